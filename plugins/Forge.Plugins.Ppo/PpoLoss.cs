using Forge.Contracts.Training;
using static TorchSharp.torch;

namespace Forge.Plugins.Ppo;

/// <summary>
/// The per-token maths of PPO for language models, free of models and optimizers: [rows, T] tensors of any floating
/// dtype in, [rows, T] out, with right-padded completion masks (1 = a completion token). Masking and averaging over
/// tokens is the caller's, except in <see cref="TokenRewards"/>.
/// </summary>
public static class PpoLoss
{
    /// <summary>The per-token KL(policy ‖ reference) estimate of the sampled tokens.</summary>
    public static Tensor Kl(Tensor logProbs, Tensor referenceLogProbs, KlEstimator estimator) => estimator switch
    {
        KlEstimator.K1 => KlEstimators.K1(logProbs, referenceLogProbs),
        KlEstimator.K3 => KlEstimators.K3(logProbs, referenceLogProbs),
        _ => throw new ArgumentOutOfRangeException(nameof(estimator), estimator, "unknown KL estimator"),
    };

    /// <summary>
    /// Per-token rewards: −<paramref name="klCoef"/>·<paramref name="kl"/> at every completion token, plus each row's
    /// sequence score (<paramref name="scores"/>, [rows]) on its last unmasked token; 0 wherever the mask is 0, so a row
    /// without completion tokens gets nothing.
    /// </summary>
    public static Tensor TokenRewards(Tensor scores, Tensor kl, Tensor mask, double klCoef)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(kl);
        ArgumentNullException.ThrowIfNull(mask);
        using var scope = NewDisposeScope();
        var rewards = -klCoef * kl;
        // The last unmasked position is the largest 1-based position with a 1 (an empty row gives index 0, masked below).
        var positions = arange(1, mask.size(1) + 1, dtype: rewards.dtype, device: mask.device);
        var last = (mask.gt(0).to(rewards.dtype) * positions).argmax(1, keepdim: true);
        rewards = rewards.scatter_add(1, last, scores.to(rewards.dtype).unsqueeze(1));
        return (rewards * mask).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The clipped surrogate per token, max(−A·r, −A·clip(r, 1 − ε, 1 + ε)) with r = e^(log π − log π_old), and r itself
    /// (for the clip fraction). Differentiable in <paramref name="logProbs"/>.
    /// </summary>
    public static (Tensor Loss, Tensor Ratio) PolicyLoss(Tensor logProbs, Tensor oldLogProbs, Tensor advantages, double clipRange)
    {
        ArgumentNullException.ThrowIfNull(logProbs);
        ArgumentNullException.ThrowIfNull(oldLogProbs);
        ArgumentNullException.ThrowIfNull(advantages);
        using var scope = NewDisposeScope();
        var ratio = (logProbs - oldLogProbs).exp();
        var loss = maximum(-advantages * ratio, -advantages * ratio.clamp(1 - clipRange, 1 + clipRange));
        return (loss.MoveToOuterDisposeScope(), ratio.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// The clipped value loss per token, ½·max((v − R)², (v_old + clip(v − v_old, −ε, ε) − R)²): the prediction
    /// <paramref name="predicted"/> may not gain by moving more than ε from the value at sampling time. Differentiable in
    /// <paramref name="predicted"/>.
    /// </summary>
    public static Tensor ValueLoss(Tensor predicted, Tensor oldValues, Tensor returns, double clipRange)
    {
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(oldValues);
        ArgumentNullException.ThrowIfNull(returns);
        using var scope = NewDisposeScope();
        var clipped = oldValues + (predicted - oldValues).clamp(-clipRange, clipRange);
        return (0.5 * maximum((predicted - returns).square(), (clipped - returns).square())).MoveToOuterDisposeScope();
    }
}
