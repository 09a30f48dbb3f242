using Forge.Contracts.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Forge.Samples.Rloo;

/// <summary>
/// REINFORCE Leave-One-Out: advantage = reward − the mean reward of the prompt's other completions; loss =
/// −advantage · log π(completion), optionally plus β · k3 KL to the reference. One update per rollout, no critic, no
/// ratio clipping. Written against Forge.Contracts only, like any third-party optimizer.
/// </summary>
public sealed class RlooOptimizer(RlooOptions options) : IPolicyOptimizer
{
    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> Step(Rollout rollout, ITrainingContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rollout);
        ArgumentNullException.ThrowIfNull(context);
        using var scope = NewDisposeScope();
        var batch = rollout.Tokens;
        long rows = batch.RowCount;
        var rewards = rollout.Rewards.to(float64);
        var baselines = LeaveOneOut.Baselines(rewards, rollout.GroupSize);
        var advantages = rewards - baselines;
        // Batch-wide over every rank (data parallel, each holds a share; one process: its own rows): the rows the loss
        // is a mean over, and the advantages' standard deviation.
        var overall = context.SumOverRanks(rows, advantages.sum().ToDouble(), advantages.square().sum().ToDouble());
        double share = overall[0] / context.WorldSize;
        if (options.NormalizeAdvantages && overall[0] > 1)
        {
            double mean = overall[1] / overall[0];
            double variance = Math.Max(0, (overall[2] - overall[0] * mean * mean) / (overall[0] - 1));
            advantages = advantages / (Math.Sqrt(variance) + 1e-8);
        }
        var mask = batch.CompletionMask.to(float32);
        // β = 0 never reads context.Reference, so no frozen copy of the model is made.
        Tensor? reference = options.Beta != 0 ? context.EvaluateWithoutGrad(context.Reference, batch).LogProbs : null;

        var sums = new RlooTotals();
        foreach (var (start, length) in context.MicroBatches(rows))
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var microScope = NewDisposeScope();
            using var slice = batch.Slice(start, length);
            var (logProbs, entropy, _) = context.Evaluate(context.Policy, slice, withEntropy: true);
            var sliceMask = mask.narrow(0, start, length);
            var tokens = sliceMask.sum(-1).clamp_min(1.0);
            var sequence = (logProbs * sliceMask).sum(-1);
            if (options.LogProb == SequenceLogProb.Mean) sequence = sequence / tokens;
            // Dividing by the rows' share makes the micro-batch losses add up to this rank's part of the batch loss
            // (the ranks' gradients are averaged).
            var policyLoss = -(advantages.narrow(0, start, length).to(float32) * sequence).sum() / share;
            var loss = policyLoss;
            double klSum = 0;
            if (reference is not null)
            {
                var kl = (KlEstimators.K3(logProbs, reference.narrow(0, start, length)) * sliceMask).sum(-1) / tokens;
                loss = loss + options.Beta * kl.sum() / share;
                klSum = kl.detach().sum().ToDouble();
            }
            context.Backward(loss);
            sums.Add(loss.ToDouble(), policyLoss.ToDouble(), klSum, (entropy! * sliceMask).sum().ToDouble(),
                sliceMask.sum().ToDouble(), sequence.detach().sum().ToDouble());
        }
        sums.Steps.Add(context.OptimizerStep());

        var metrics = sums.Summary(rows);
        metrics["advantage/mean"] = advantages.mean().ToDouble();
        metrics["advantage/std"] = rows > 1 ? advantages.std().ToDouble() : 0;
        metrics["advantage/abs_mean"] = advantages.abs().mean().ToDouble();
        metrics["baseline/mean"] = baselines.mean().ToDouble();
        return metrics;
    }
}
