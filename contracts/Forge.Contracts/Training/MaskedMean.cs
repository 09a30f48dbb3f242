using static TorchSharp.torch;

namespace Forge.Contracts.Training;

/// <summary>
/// The masked means every token-level loss needs, in the two normalisations the GRPO family uses and in the form that
/// accumulates over micro-batches: per sequence (each row's mean over its unmasked tokens, then the mean over rows —
/// GRPO's) and per token (the mean over every unmasked token of the batch — DAPO's, BNPO's). A micro-batch's
/// <c>…Share</c> divides by the whole batch's row or token count, so the shares of a batch's micro-batches sum to the
/// batch's mean, and gradients accumulated over micro-batches equal one pass over the batch. Masks may be bool or
/// numeric; a row without unmasked tokens counts 0. Since contracts 1.1.
/// </summary>
public static class MaskedMean
{
    /// <summary>[rows]: each row's mean of <paramref name="values"/> over its unmasked positions (0 for an empty row).</summary>
    public static Tensor PerSequence(Tensor values, Tensor mask)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(mask);
        var m = mask.to(values.dtype);
        return (values * m).sum(-1) / m.sum(-1).clamp_min(1.0);
    }

    /// <summary>Scalar: the mean of <paramref name="values"/> over every unmasked position (0 when there is none).</summary>
    public static Tensor PerToken(Tensor values, Tensor mask)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(mask);
        var m = mask.to(values.dtype);
        return (values * m).sum() / m.sum().clamp_min(1.0);
    }

    /// <summary>
    /// Scalar: this micro-batch's share of the batch's per-sequence mean — the sum of its rows' <see cref="PerSequence"/>
    /// divided by <paramref name="batchRows"/>, the whole batch's row count.
    /// </summary>
    public static Tensor PerSequenceShare(Tensor values, Tensor mask, long batchRows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchRows, 1);
        return PerSequence(values, mask).sum() / batchRows;
    }

    /// <summary>
    /// Scalar: this micro-batch's share of the batch's per-token mean — its masked sum divided by
    /// <paramref name="batchTokens"/>, the whole batch's unmasked token count (at least 1 is used).
    /// </summary>
    public static Tensor PerTokenShare(Tensor values, Tensor mask, long batchTokens)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentOutOfRangeException.ThrowIfNegative(batchTokens);
        return (values * mask.to(values.dtype)).sum() / Math.Max(1, batchTokens);
    }
}
