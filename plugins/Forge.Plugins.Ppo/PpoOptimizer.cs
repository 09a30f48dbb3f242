using TorchSharp;
using Forge.Contracts.Training;
using static TorchSharp.torch;

namespace Forge.Plugins.Ppo;

/// <summary>
/// PPO for language models (Ouyang et al.; TRL's PPOTrainer): a value head on the policy's hidden states, a per-token
/// KL penalty in the reward, GAE, whitened advantages, clipped policy and value losses, several epochs of shuffled
/// minibatches per generation batch. The maths is <see cref="PpoLoss"/>'s; this class only orchestrates. In a
/// data-parallel run every batch-wide quantity is the whole batch's (every rank's rows): the whitening's mean and
/// variance, each minibatch's token count the loss divides by, the number of minibatches, and the metrics; each rank
/// shuffles and splits its own rows, so minibatch k is every rank's k-th share together. It keeps no
/// state of its own: the value head is the stage's, registered with the stage's training context (one instance of this
/// optimizer serves every stage that names it, whatever its model's width).
/// </summary>
public sealed class PpoOptimizer(PpoOptions options) : IPolicyOptimizer
{
    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> Step(Rollout rollout, ITrainingContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rollout);
        ArgumentNullException.ThrowIfNull(context);
        using var scope = NewDisposeScope();
        var batch = rollout.Tokens;
        long rows = batch.RowCount;
        var mask = batch.CompletionMask.to(float32);

        ValueHead valueHead;
        Tensor oldLogProbs, values, advantages, returns, klSum;
        using (no_grad())
        {
            var policy = context.EvaluateWithoutGrad(context.Policy, batch, withHidden: true);
            var hidden = policy.Hidden!;
            valueHead = context.Trainable(ValueHead.Key, () => new ValueHead(hidden.size(-1), hidden.device));
            oldLogProbs = policy.LogProbs;
            values = valueHead.forward(hidden) * mask;
            var kl = options.KlCoef != 0
                ? PpoLoss.Kl(oldLogProbs, context.EvaluateWithoutGrad(context.Reference, batch).LogProbs, options.KlEstimator) * mask
                : zeros_like(mask);
            klSum = kl.sum(1).sum();
            var tokenRewards = PpoLoss.TokenRewards(rollout.Rewards, kl, mask, options.KlCoef);
            (advantages, returns) = Gae.Compute(tokenRewards, values, mask, options.Gamma, options.Lambda);
            if (options.WhitenAdvantages) advantages = Gae.Whiten(advantages, mask, context.SumOverRanks);
        }

        var totals = new PpoTotals();
        // As many updates on every rank: no more minibatches than the rank with the fewest rows has rows.
        var minibatches = Minibatches.Split(rows, (int)Math.Min(options.NumMiniBatches, FewestRows(context, rows)));
        var generator = new Generator().manual_seed(context.StepNumber + 1);
        for (int epoch = 0; epoch < options.PpoEpochs; epoch++)
        {
            var order = randperm(rows, generator: generator).to(batch.InputIds.device);
            foreach (var minibatch in minibatches)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var minibatchRows = order.narrow(0, minibatch.Start, minibatch.Length);
                double tokens = Math.Max(1, context.SumOverRanks(mask.index_select(0, minibatchRows).sum().ToDouble())[0]);
                foreach (var (start, length) in context.MicroBatches(minibatch.Length))
                {
                    using var stepScope = NewDisposeScope();
                    var idx = minibatchRows.narrow(0, start, length);
                    using var micro = batch.Rows(idx);
                    var output = context.Evaluate(context.Policy, micro, withEntropy: epoch == 0, withHidden: true);
                    var microMask = mask.index_select(0, idx);
                    var (pgLoss, ratio) = PpoLoss.PolicyLoss(output.LogProbs, oldLogProbs.index_select(0, idx), advantages.index_select(0, idx), options.ClipRange);
                    var vfLoss = PpoLoss.ValueLoss(valueHead.forward(output.Hidden!), values.index_select(0, idx), returns.index_select(0, idx), options.ClipRangeValue);

                    // Divided by the minibatch's tokens over every rank; the ranks' gradients are averaged, so times WorldSize.
                    var loss = ((pgLoss + options.VfCoef * vfLoss) * microMask).sum() / tokens * context.WorldSize;
                    context.Backward(loss);
                    totals.Add(loss.ToDouble(), (pgLoss.detach() * microMask).sum().ToDouble(), (vfLoss.detach() * microMask).sum().ToDouble(),
                        ((ratio.detach() - 1).abs() > options.ClipRange).to(float32).mul(microMask).sum().ToDouble(),
                        output.Entropy is null ? null : (output.Entropy * microMask).sum().ToDouble(), microMask.sum().ToDouble());
                }
                totals.AddStep(context.OptimizerStep());
            }
        }

        var metrics = totals.Summary(context);
        var local = stack([klSum, (values * mask).sum(), (returns * mask).sum(), mask.sum()]).to(float64).cpu().data<double>().ToArray();
        var overall = context.SumOverRanks(rows, local[0], local[1], local[2], local[3]);
        double tokensOverall = Math.Max(1, overall[4]);
        metrics["kl"] = overall[1] / Math.Max(1, overall[0]);
        metrics["value/mean"] = overall[2] / tokensOverall;
        metrics["return/mean"] = overall[3] / tokensOverall;
        return metrics;
    }

    /// <summary>The fewest rows any rank holds (this rank's in a single process).</summary>
    private static long FewestRows(ITrainingContext context, long rows)
    {
        if (context.WorldSize == 1) return rows;
        var slots = new double[context.WorldSize];
        slots[context.Rank] = rows;
        return Math.Max(1, (long)context.SumOverRanks(slots).Min());
    }
}
