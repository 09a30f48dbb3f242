using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Forge.Plugins.Ppo;

/// <summary>Options of the <c>ppo</c> optimizer (section <c>Optimizers:ppo</c>); defaults follow TRL's PPOConfig.</summary>
public sealed class PpoOptions
{
    /// <summary>Coefficient of the per-token KL penalty (log-ratio to the reference) subtracted from the reward.</summary>
    [Description("Coefficient of the per-token KL penalty (log-ratio to the reference) subtracted from the reward.")]
    [Range(0.0, 10.0)]
    public double KlCoef { get; set; } = 0.05;

    /// <summary>The per-token KL estimate in that penalty: <c>K1</c> (the log-ratio) or <c>K3</c>.</summary>
    [Description("The per-token KL estimate in that penalty: K1 (the log-ratio) or K3.")]
    [EnumDataType(typeof(KlEstimator))]
    public KlEstimator KlEstimator { get; set; } = KlEstimator.K1;

    /// <summary>GAE discount γ.</summary>
    [Description("GAE discount γ.")]
    [Range(0.0, 1.0)]
    public double Gamma { get; set; } = 1.0;

    /// <summary>GAE λ.</summary>
    [Description("GAE λ.")]
    [Range(0.0, 1.0)]
    public double Lambda { get; set; } = 0.95;

    /// <summary>Policy ratio clip range.</summary>
    [Description("Policy ratio clip range.")]
    [Range(0.0, 1.0)]
    public double ClipRange { get; set; } = 0.2;

    /// <summary>Value clip range around the values at sampling time.</summary>
    [Description("Value clip range around the values at sampling time.")]
    [Range(0.0, 100.0)]
    public double ClipRangeValue { get; set; } = 0.2;

    /// <summary>Weight of the value loss.</summary>
    [Description("Weight of the value loss.")]
    [Range(0.0, 100.0)]
    public double VfCoef { get; set; } = 0.1;

    /// <summary>Passes over each batch.</summary>
    [Description("Passes over each batch.")]
    [Range(1, 64)]
    public int PpoEpochs { get; set; } = 4;

    /// <summary>
    /// Optimizer updates per epoch: the batch is shuffled and split into this many minibatches of nearly equal size
    /// (sizes differ by at most one row, so every row is trained; fewer when the batch has fewer rows).
    /// </summary>
    [Description("Optimizer updates per epoch: the batch is shuffled and split into this many minibatches of nearly equal size (sizes differ by at most one row, so every row is trained; fewer when the batch has fewer rows).")]
    [Range(1, 1024)]
    public int NumMiniBatches { get; set; } = 1;

    /// <summary>Normalise advantages to mean 0, variance 1 over the completion tokens.</summary>
    [Description("Normalise advantages to mean 0, variance 1 over the completion tokens.")]
    public bool WhitenAdvantages { get; set; } = true;
}
