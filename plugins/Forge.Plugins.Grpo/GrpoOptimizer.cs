using TorchSharp;
using Forge.Contracts.Training;
using static TorchSharp.torch;

namespace Forge.Plugins.Grpo;

/// <summary>
/// GRPO (DeepSeekMath / DeepSeek-R1) with the DAPO, Dr. GRPO and GSPO variants: group-relative advantages, no critic,
/// a clipped ratio against the policy that generated the batch, and a k3 KL penalty to a frozen reference. Rows the
/// rollout marks unscored (<see cref="Rollout.Scored"/>) get advantage 0; Dr. GRPO divides by rows × the rollout's
/// <see cref="Rollout.MaxCompletionLength"/>.
/// </summary>
public sealed class GrpoOptimizer(GrpoOptions options) : IPolicyOptimizer
{
    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> Step(Rollout rollout, ITrainingContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rollout);
        ArgumentNullException.ThrowIfNull(context);
        using var scope = NewDisposeScope();
        var batch = rollout.Tokens;
        long rows = batch.RowCount;
        var microBatches = context.MicroBatches(rows);

        // Unscored rows get advantage 0 but, as in TRL, stay in the completion mask: they count in every normaliser
        // (rows, tokens) and the KL term still pulls them towards the reference.
        var advantages = GroupAdvantages.Compute(rollout.Rewards.to(float64), rollout.Scored, rollout.GroupSize, options.ScaleRewards, context.SumOverRanks);
        var mask = batch.CompletionMask.to(float32);
        long limit = options.LossType == GrpoLossType.DrGrpo ? CompletionLimit(rollout, mask, context) : mask.size(1);
        if (options.MaskTruncatedCompletions)
            mask = mask * rollout.Truncated.logical_not().to(float32).unsqueeze(-1);
        // The normalisers are the whole batch's: over every data-parallel rank's rows.
        var batchWide = context.SumOverRanks(rows, mask.sum().ToDouble());
        var totals = new BatchTotals((long)batchWide[0], (long)batchWide[1], limit, microBatches.Count) { Ranks = context.WorldSize };

        // The reference's log-probs are taken micro-batch by micro-batch inside the first pass (the reference does not
        // change during the step), so that queuing its forward passes overlaps the policy's backward passes on the GPU.
        var references = new Tensor?[microBatches.Count];
        // With one update per batch the ratio is exactly 1 (old = current, detached); with μ > 1 the old policy's
        // log-probs are taken once, before the first update, as TRL does.
        Tensor? old = options.NumIterations > 1 ? context.EvaluateWithoutGrad(context.Policy, batch).LogProbs : null;

        using var metrics = new MetricAccumulator();
        for (int iteration = 0; iteration < options.NumIterations; iteration++)
        {
            for (int micro = 0; micro < microBatches.Count; micro++)
            {
                var (start, length) = microBatches[micro];
                cancellationToken.ThrowIfCancellationRequested();
                using var stepScope = NewDisposeScope();
                using var slice = batch.Slice(start, length);
                var reference = options.Beta != 0 ? references[micro] ??= ReferenceLogProbs(context, slice) : null;
                var (logProbs, entropy, _) = context.Evaluate(context.Policy, slice, withEntropy: iteration == 0);
                var sliceMask = mask.narrow(0, start, length);
                var (loss, measures) = GrpoLoss.ComputeOnDevice(logProbs,
                    old?.narrow(0, start, length) ?? logProbs.detach(),
                    reference,
                    advantages.narrow(0, start, length).to(logProbs.dtype),
                    sliceMask, options, totals);
                context.Backward(loss);
                // Summed on the device and read once after the loop: no wait for this backward pass here.
                metrics.Add(loss, measures, entropy is null ? null : (entropy * sliceMask).sum());
            }
            var step = context.OptimizerStep();
            metrics.AddStep(step);
            if (options.RefSyncSteps > 0 && context.StepNumber % options.RefSyncSteps == 0)
                context.SyncReference(options.RefSyncAlpha);
        }

        var summary = metrics.Summary(options.NumIterations, context);
        // Over the whole batch: every rank's advantages (one read for the two local sums, one for the squares).
        var local = stack([advantages.sum(), advantages.abs().sum()]).to(float64).cpu().data<double>().ToArray();
        var sums = context.SumOverRanks(rows, local[0], local[1]);
        double n = Math.Max(1, sums[0]), mean = sums[1] / n;
        double squares = context.SumOverRanks((advantages - mean).square().sum().ToDouble())[0];
        summary["advantage/mean"] = mean;
        summary["advantage/std"] = sums[0] > 1 ? Math.Sqrt(squares / (sums[0] - 1)) : 0;
        summary["advantage/abs_mean"] = sums[2] / n;
        return summary;
    }

    /// <summary>
    /// The reference's log-probs of one micro-batch, without gradients, kept for the whole step (they are what
    /// <see cref="TrainingContextExtensions.EvaluateWithoutGrad"/> gives for those rows).
    /// </summary>
    private static Tensor ReferenceLogProbs(ITrainingContext context, TokenBatch slice)
    {
        using var noGrad = no_grad();
        return context.Evaluate(context.Reference, slice).LogProbs.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Dr. GRPO's constant: the configured completion-length limit the rollout carries, or, when it carries none, the
    /// batch's completion width (its longest completion; over every data-parallel rank's rows, each of which pads to its
    /// own). A completion longer than the configured limit is refused: the constant would no longer bound what it divides.
    /// </summary>
    private static long CompletionLimit(Rollout rollout, Tensor mask, ITrainingContext context)
    {
        if (rollout.MaxCompletionLength <= 0)
        {
            if (context.WorldSize == 1) return mask.size(1);
            var widths = new double[context.WorldSize];
            widths[context.Rank] = mask.size(1);
            return (long)context.SumOverRanks(widths).Max();
        }
        long longest = (long)mask.sum(-1).max().ToDouble();
        if (longest > rollout.MaxCompletionLength)
            throw new ArgumentException($"a completion of {longest} tokens is longer than the rollout's MaxCompletionLength ({rollout.MaxCompletionLength})", nameof(rollout));
        return rollout.MaxCompletionLength;
    }
}
