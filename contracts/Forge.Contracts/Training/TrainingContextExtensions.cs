using Forge.Contracts.Models;
using static TorchSharp.torch;

namespace Forge.Contracts.Training;

/// <summary>
/// What every optimizer and distiller does with an <see cref="ITrainingContext"/> beyond its members: split a batch
/// into micro-batches, and score a whole batch under a model without building a graph (reference or old-policy
/// log-probs). Built-in plugins use these too, so a third party's optimizer works exactly like theirs.
/// </summary>
public static class TrainingContextExtensions
{
    /// <summary>
    /// Consecutive ranges of at most <see cref="ITrainingContext.MicroBatchSize"/> rows covering <paramref name="rows"/>
    /// rows: one forward/backward pass each, with gradients accumulating until <see cref="ITrainingContext.OptimizerStep"/>.
    /// </summary>
    public static IReadOnlyList<RowRange> MicroBatches(this ITrainingContext context, long rows)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        long size = Math.Max(1, context.MicroBatchSize);
        var ranges = new List<RowRange>();
        for (long start = 0; start < rows; start += size)
            ranges.Add(new RowRange(start, Math.Min(size, rows - start)));
        return ranges;
    }

    /// <summary>
    /// <see cref="ITrainingContext.Evaluate"/> over the whole <paramref name="batch"/>, micro-batch by micro-batch, with
    /// gradients off, the outputs concatenated over rows: e.g. the reference policy's log-probs for a KL penalty, or the
    /// policy's log-probs before an update. The tensors belong to the caller's dispose scope.
    /// </summary>
    public static SequenceOutputs EvaluateWithoutGrad(this ITrainingContext context, ILanguageModel model, TokenBatch batch,
        bool withEntropy = false, bool withHidden = false)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batch);
        using var noGrad = no_grad();
        var parts = context.MicroBatches(batch.RowCount).Select(range =>
        {
            using var slice = batch.Slice(range.Start, range.Length);
            return context.Evaluate(model, slice, withEntropy, withHidden);
        }).ToList();
        return new SequenceOutputs(
            cat(parts.Select(p => p.LogProbs).ToList(), 0),
            withEntropy ? cat(parts.Select(p => p.Entropy!).ToList(), 0) : null,
            withHidden ? cat(parts.Select(p => p.Hidden!).ToList(), 0) : null);
    }
}
