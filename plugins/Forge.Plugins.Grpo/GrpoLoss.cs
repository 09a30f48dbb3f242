using Forge.Contracts.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Forge.Plugins.Grpo;

/// <summary>The loss of one micro-batch and what it measured.</summary>
/// <param name="Loss">Scalar loss, scaled so that micro-batch losses add up to the batch loss.</param>
/// <param name="KlSum">Masked sum of the per-token k3 KL (0 when beta is 0).</param>
/// <param name="ClipLowCount">Tokens whose ratio fell below 1 − ε_low with a negative advantage.</param>
/// <param name="ClipHighCount">Tokens whose ratio rose above 1 + ε_high with a positive advantage.</param>
/// <param name="ActiveTokens">Unmasked tokens of the micro-batch.</param>
public sealed record GrpoLossResult(Tensor Loss, double KlSum, double ClipLowCount, double ClipHighCount, double ActiveTokens);

/// <summary>
/// The clipped surrogate of GRPO with an optional k3 KL penalty: per token
/// <c>−min(r·A, clip(r, 1−ε_low, 1+ε_high)·A) + β·(e^(ref−logp) − (ref−logp) − 1)</c>, aggregated by loss type.
/// </summary>
public static class GrpoLoss
{
    /// <summary>Loss of a micro-batch: <paramref name="logProbs"/> [b, T] with gradients, the rest without.</summary>
    public static GrpoLossResult Compute(Tensor logProbs, Tensor oldLogProbs, Tensor? refLogProbs, Tensor advantages,
        Tensor mask, GrpoOptions options, BatchTotals totals)
    {
        var (loss, measures) = ComputeOnDevice(logProbs, oldLogProbs, refLogProbs, advantages, mask, options, totals);
        using (measures)
        {
            var m = measures.cpu().data<double>().ToArray(); // one read for all four
            return new GrpoLossResult(loss, m[0], m[1], m[2], m[3]);
        }
    }

    /// <summary>
    /// <see cref="Compute"/> without reading anything back to the host: the loss and the measurements as a
    /// float64 tensor [4] (KL sum, clip-low count, clip-high count, active tokens) on the loss's device, so that a caller
    /// can sum them over micro-batches and read them once per step instead of stalling the GPU at every micro-batch.
    /// </summary>
    internal static (Tensor Loss, Tensor Measures) ComputeOnDevice(Tensor logProbs, Tensor oldLogProbs, Tensor? refLogProbs,
        Tensor advantages, Tensor mask, GrpoOptions options, BatchTotals totals)
    {
        using var scope = NewDisposeScope();
        var logRatio = logProbs - oldLogProbs;
        if (options.ImportanceSampling == ImportanceSampling.Sequence)
            logRatio = (logRatio * mask).sum(-1, keepdim: true) / mask.sum(-1, keepdim: true).clamp_min(1.0);
        var ratio = logRatio.exp();
        var clipped = ratio.clamp(1 - options.EpsilonLow, 1 + options.EpsilonHigh);
        var a = advantages.unsqueeze(-1);
        var perToken = -minimum(ratio * a, clipped * a);

        Tensor? klSum = null;
        if (refLogProbs is not null && options.Beta != 0)
        {
            var kl = KlEstimators.K3(logProbs, refLogProbs);
            perToken = perToken + options.Beta * kl;
            klSum = (kl.detach() * mask).sum();
        }

        var masked = perToken * mask;
        var loss = options.LossType switch
        {
            GrpoLossType.Grpo => MaskedMean.PerSequenceShare(perToken, mask, totals.Rows),
            GrpoLossType.Bnpo => MaskedMean.PerToken(perToken, mask) / totals.MicroBatches,
            // A constant of the run (rows × the configured limit): a token weighs the same in a batch of short completions.
            GrpoLossType.DrGrpo => masked.sum() / (totals.Rows * totals.MaxCompletionLength),
            GrpoLossType.Dapo => MaskedMean.PerTokenShare(perToken, mask, totals.ActiveTokens),
            _ => throw new ArgumentOutOfRangeException(nameof(options)),
        };
        // Gradients are averaged over data-parallel ranks: a share of the batch-wide normaliser becomes the batch's
        // gradient once multiplied by the ranks (bnpo's per-micro-batch means average as they are).
        if (totals.Ranks > 1 && options.LossType != GrpoLossType.Bnpo) loss = loss * totals.Ranks;

        using var noGrad = no_grad();
        var expandedRatio = ratio.detach().expand_as(mask);
        var clipLow = ((expandedRatio < 1 - options.EpsilonLow).logical_and(a < 0) * mask).sum();
        var clipHigh = ((expandedRatio > 1 + options.EpsilonHigh).logical_and(a > 0) * mask).sum();
        var active = mask.sum();
        // float64, as the host reads each of them (float32 → float64 is exact).
        var measures = stack([klSum?.to(float64) ?? zeros(Array.Empty<long>(), float64, active.device), clipLow.to(float64), clipHigh.to(float64), active.to(float64)]);
        return (loss.MoveToOuterDisposeScope(), measures.MoveToOuterDisposeScope());
    }
}
