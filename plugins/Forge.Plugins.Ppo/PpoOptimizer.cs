using TorchSharp;
using Forge.Contracts.Training;
using static TorchSharp.torch;

namespace Forge.Plugins.Ppo;

/// <summary>
/// PPO for language models (Ouyang et al.; TRL's PPOTrainer): a value head on the policy's hidden states, a per-token
/// KL penalty in the reward, GAE, whitened advantages, clipped policy and value losses, several epochs of shuffled
/// minibatches per generation batch.
/// </summary>
public sealed class PpoOptimizer(PpoOptions options) : IPolicyOptimizer, IDisposable
{
    private ValueHead? _valueHead;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> Step(Rollout rollout, ITrainingContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rollout);
        ArgumentNullException.ThrowIfNull(context);
        using var scope = NewDisposeScope();
        var batch = rollout.Tokens;
        long rows = batch.RowCount;
        var mask = batch.CompletionMask.to(float32);

        Tensor oldLogProbs, values, advantages, returns, klMean;
        using (no_grad())
        {
            var policy = context.EvaluateWithoutGrad(context.Policy, batch, withHidden: true);
            _valueHead ??= CreateValueHead(context, policy.Hidden!);
            oldLogProbs = policy.LogProbs;
            values = _valueHead.forward(policy.Hidden!) * mask;
            var kl = options.KlCoef != 0 ? KlEstimators.K1(oldLogProbs, context.EvaluateWithoutGrad(context.Reference, batch).LogProbs) * mask : zeros_like(mask);
            klMean = (kl.sum(1)).mean();
            // Per-token reward: −β·KL everywhere, plus the sequence's score on its last token.
            var tokenRewards = -options.KlCoef * kl;
            var last = (mask.sum(1) - 1).clamp_min(0).to(int64).unsqueeze(1);
            tokenRewards = tokenRewards.scatter_add(1, last, rollout.Rewards.to(float32).unsqueeze(1));
            (advantages, returns) = Gae.Compute(tokenRewards, values, mask, options.Gamma, options.Lambda);
            if (options.WhitenAdvantages) advantages = Gae.Whiten(advantages, mask);
        }

        var totals = new PpoTotals();
        long miniSize = Math.Max(1, rows / options.NumMiniBatches);
        var generator = new Generator().manual_seed(context.StepNumber + 1);
        for (int epoch = 0; epoch < options.PpoEpochs; epoch++)
        {
            var order = randperm(rows, generator: generator).to(batch.InputIds.device);
            for (long m = 0; m + miniSize <= rows; m += miniSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var minibatchRows = order.narrow(0, m, miniSize);
                double tokens = Math.Max(1, mask.index_select(0, minibatchRows).sum().ToDouble());
                foreach (var (start, length) in context.MicroBatches(miniSize))
                {
                    using var stepScope = NewDisposeScope();
                    var idx = minibatchRows.narrow(0, start, length);
                    using var micro = batch.Rows(idx);
                    var output = context.Evaluate(context.Policy, micro, withEntropy: epoch == 0, withHidden: true);
                    var microMask = mask.index_select(0, idx);
                    var a = advantages.index_select(0, idx);
                    var ratio = (output.LogProbs - oldLogProbs.index_select(0, idx)).exp();
                    var pgLoss = maximum(-a * ratio, -a * ratio.clamp(1 - options.ClipRange, 1 + options.ClipRange));

                    var oldValues = values.index_select(0, idx);
                    var predicted = _valueHead!.forward(output.Hidden!);
                    var clippedValues = oldValues + (predicted - oldValues).clamp(-options.ClipRangeValue, options.ClipRangeValue);
                    var target = returns.index_select(0, idx);
                    var vfLoss = 0.5 * maximum((predicted - target).square(), (clippedValues - target).square());

                    var loss = ((pgLoss + options.VfCoef * vfLoss) * microMask).sum() / tokens;
                    context.Backward(loss);
                    totals.Add(loss.ToDouble(), (pgLoss.detach() * microMask).sum().ToDouble(), (vfLoss.detach() * microMask).sum().ToDouble(),
                        ((ratio.detach() - 1).abs() > options.ClipRange).to(float32).mul(microMask).sum().ToDouble(),
                        output.Entropy is null ? null : (output.Entropy * microMask).sum().ToDouble(), microMask.sum().ToDouble());
                }
                totals.AddStep(context.OptimizerStep());
            }
        }

        var metrics = totals.Summary();
        metrics["kl"] = klMean.ToDouble();
        metrics["value/mean"] = ((values * mask).sum() / mask.sum().clamp_min(1)).ToDouble();
        metrics["return/mean"] = ((returns * mask).sum() / mask.sum().clamp_min(1)).ToDouble();
        return metrics;
    }

    private ValueHead CreateValueHead(ITrainingContext context, Tensor hidden)
    {
        var head = new ValueHead(hidden.shape[^1], hidden.device);
        context.AddTrainable(head);
        return head;
    }

    /// <inheritdoc />
    public void Dispose() => _valueHead?.Dispose();
}
