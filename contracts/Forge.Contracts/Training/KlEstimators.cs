using static TorchSharp.torch;

namespace Forge.Contracts.Training;

/// <summary>
/// Per-token estimators of KL(policy ‖ reference) from the log-probs of sampled tokens (Schulman, "Approximating KL
/// divergence"). Mask and average them yourself: padding positions hold meaningless values.
/// </summary>
public static class KlEstimators
{
    /// <summary>k1 = log π − log π_ref: unbiased, can be negative (PPO's per-token reward penalty).</summary>
    public static Tensor K1(Tensor logProbs, Tensor referenceLogProbs)
    {
        ArgumentNullException.ThrowIfNull(logProbs);
        ArgumentNullException.ThrowIfNull(referenceLogProbs);
        return logProbs - referenceLogProbs;
    }

    /// <summary>
    /// k3 = e^(log π_ref − log π) − (log π_ref − log π) − 1: unbiased, never negative, low variance (GRPO's loss penalty).
    /// Differentiable in <paramref name="logProbs"/>.
    /// </summary>
    public static Tensor K3(Tensor logProbs, Tensor referenceLogProbs)
    {
        ArgumentNullException.ThrowIfNull(logProbs);
        ArgumentNullException.ThrowIfNull(referenceLogProbs);
        using var scope = NewDisposeScope();
        var delta = referenceLogProbs - logProbs;
        return (delta.exp() - delta - 1).MoveToOuterDisposeScope();
    }
}
