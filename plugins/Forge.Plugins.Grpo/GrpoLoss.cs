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
        using var scope = NewDisposeScope();
        var logRatio = logProbs - oldLogProbs;
        if (options.ImportanceSampling == ImportanceSampling.Sequence)
            logRatio = (logRatio * mask).sum(-1, keepdim: true) / mask.sum(-1, keepdim: true).clamp_min(1.0);
        var ratio = logRatio.exp();
        var clipped = ratio.clamp(1 - options.EpsilonLow, 1 + options.EpsilonHigh);
        var a = advantages.unsqueeze(-1);
        var perToken = -minimum(ratio * a, clipped * a);

        double klSum = 0;
        if (refLogProbs is not null && options.Beta != 0)
        {
            var kl = KlEstimators.K3(logProbs, refLogProbs);
            perToken = perToken + options.Beta * kl;
            klSum = (kl.detach() * mask).sum().ToDouble();
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
        double clipLow = ((expandedRatio < 1 - options.EpsilonLow).logical_and(a < 0) * mask).sum().ToDouble();
        double clipHigh = ((expandedRatio > 1 + options.EpsilonHigh).logical_and(a > 0) * mask).sum().ToDouble();
        double active = mask.sum().ToDouble();
        return new GrpoLossResult(loss.MoveToOuterDisposeScope(), klSum, clipLow, clipHigh, active);
    }
}
