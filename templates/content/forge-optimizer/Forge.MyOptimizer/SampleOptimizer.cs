using Forge.Contracts.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Forge.MyOptimizer;

/// <summary>
/// REINFORCE with a group-mean baseline: loss = −advantage · (mean log-prob of the completion's tokens), plus
/// β · k3 KL to the reference. The training context owns the optimizer, schedule, clipping and memory bounds; a plugin
/// computes losses, calls <see cref="ITrainingContext.Backward"/> per micro-batch and
/// <see cref="ITrainingContext.OptimizerStep"/> once, and returns its metrics.
/// </summary>
public sealed class SampleOptimizer(SampleOptimizerOptions options) : IPolicyOptimizer
{
    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> Step(Rollout rollout, ITrainingContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rollout);
        ArgumentNullException.ThrowIfNull(context);
        using var scope = NewDisposeScope();
        var batch = rollout.Tokens;
        long rows = batch.RowCount;
        var advantages = tensor(SampleOptimizerBaseline.Advantages(rollout.Rewards.to(float64).cpu().data<double>().ToArray(), rollout.GroupSize))
            .to(float32).to(batch.InputIds.device);
        var mask = batch.CompletionMask.to(float32);
        // The loss is a mean over the whole batch. Data parallel, each rank holds a share of it and the ranks' gradients
        // are averaged, so each rank divides by the batch's rows over every rank over the number of ranks (in one
        // process: its own rows). Dividing by its own rows would weigh ranks, not rows, when shares differ.
        double share = context.SumOverRanks(rows)[0] / context.WorldSize;
        Tensor? reference = options.Beta != 0 ? context.EvaluateWithoutGrad(context.Reference, batch).LogProbs : null;

        double lossSum = 0, klSum = 0;
        foreach (var (start, length) in context.MicroBatches(rows))
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var microScope = NewDisposeScope();
            using var slice = batch.Slice(start, length);
            var logProbs = context.Evaluate(context.Policy, slice).LogProbs;
            var sliceMask = mask.narrow(0, start, length);
            var tokens = sliceMask.sum(-1).clamp_min(1.0);
            var sequence = (logProbs * sliceMask).sum(-1) / tokens;
            // Divided by the rows' share, so the micro-batch losses add up to this rank's part of the batch loss.
            var loss = -(advantages.narrow(0, start, length) * sequence).sum() / share;
            if (reference is not null)
            {
                var kl = (KlEstimators.K3(logProbs, reference.narrow(0, start, length)) * sliceMask).sum(-1) / tokens;
                loss = loss + options.Beta * kl.sum() / share;
                klSum += kl.detach().sum().ToDouble();
            }
            context.Backward(loss);
            lossSum += loss.ToDouble();
        }
        var steps = new OptimizerStepTotals();
        steps.Add(context.OptimizerStep());

        var metrics = new Dictionary<string, double>
        {
            ["loss"] = lossSum,
            ["kl"] = klSum / Math.Max(1, rows),
            ["advantage/abs_mean"] = advantages.abs().mean().ToDouble(),
        };
        steps.WriteTo(metrics);
        return metrics;
    }
}
