using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Forge.Plugins.Grpo;

/// <summary>How rewards are scaled into advantages.</summary>
public enum ScaleRewards
{
    /// <summary>Divide by the group's standard deviation (GRPO).</summary>
    Group,
    /// <summary>Divide by the whole batch's standard deviation.</summary>
    Batch,
    /// <summary>No scaling, only the group mean is subtracted (Dr. GRPO).</summary>
    None,
}

/// <summary>How per-token losses are averaged into the loss.</summary>
public enum GrpoLossType
{
    /// <summary>Mean over each sequence's tokens, then over sequences (the original GRPO; biased to short answers).</summary>
    Grpo,
    /// <summary>Mean over the unmasked tokens of each micro-batch.</summary>
    Bnpo,
    /// <summary>
    /// Sum over tokens divided by rows × the configured maximum completion length (the sampler's MaxNewTokens, a constant of
    /// the run; Dr. GRPO, no length bias).
    /// </summary>
    DrGrpo,
    /// <summary>Sum over tokens divided by the unmasked tokens of the whole generation batch (DAPO).</summary>
    Dapo,
}

/// <summary>Where the importance ratio is taken.</summary>
public enum ImportanceSampling
{
    /// <summary>One ratio per token (GRPO, DAPO).</summary>
    Token,
    /// <summary>One ratio per sequence from the mean token log-ratio (GSPO).</summary>
    Sequence,
}

/// <summary>
/// Options of the <c>grpo</c> optimizer (section <c>Optimizers:grpo</c>). The defaults are those of TRL's GRPOConfig since
/// v0.22 (August 2025, unchanged through v1.x): β 0 (no reference model is loaded), loss <c>dapo</c>, scale by the group's
/// standard deviation, ε 0.2 on both sides, one update per batch, no truncation mask, token-level ratios. This optimizer
/// first took TRL v0.14–v0.15's (early 2025): β 0.04 (TRL's until v0.18) and the per-sequence <c>grpo</c> loss (TRL's
/// until v0.15, then bnpo until v0.21); host/Forge.Host/appsettings.json pins β 0.04 and <c>Grpo</c> for the shipped
/// pipelines, whose figures were measured with them.
/// </summary>
public sealed class GrpoOptions
{
    /// <summary>KL coefficient to the reference policy (k3 estimator); 0 (the default, as TRL) loads no reference.</summary>
    [Description("KL coefficient to the reference policy (k3 estimator); 0 (the default, as TRL) loads no reference.")]
    [Range(0.0, 10.0)]
    public double Beta { get; set; }

    /// <summary>Lower clip range of the ratio: 1 − EpsilonLow.</summary>
    [Description("Lower clip range of the ratio: 1 − EpsilonLow.")]
    [Range(0.0, 1.0)]
    public double EpsilonLow { get; set; } = 0.2;

    /// <summary>Upper clip range of the ratio: 1 + EpsilonHigh (DAPO's clip-higher uses 0.28; TRL defaults it to ε).</summary>
    [Description("Upper clip range of the ratio: 1 + EpsilonHigh (DAPO's clip-higher uses 0.28; TRL defaults it to ε).")]
    [Range(0.0, 10.0)]
    public double EpsilonHigh { get; set; } = 0.2;

    /// <summary>Advantage scaling: group, batch or none.</summary>
    [Description("Advantage scaling: group, batch or none.")]
    public ScaleRewards ScaleRewards { get; set; } = ScaleRewards.Group;

    /// <summary>Loss aggregation: grpo, bnpo, dr_grpo (DrGrpo) or dapo (the default, as TRL).</summary>
    [Description("Loss aggregation: grpo, bnpo, dr_grpo (DrGrpo) or dapo (the default, as TRL).")]
    public GrpoLossType LossType { get; set; } = GrpoLossType.Dapo;

    /// <summary>μ: policy updates per generation batch; above 1 the ratio departs from 1 and clipping matters.</summary>
    [Description("μ: policy updates per generation batch; above 1 the ratio departs from 1 and clipping matters.")]
    [Range(1, 64)]
    public int NumIterations { get; set; } = 1;

    /// <summary>Exclude completions that hit the length limit from the loss (DAPO).</summary>
    [Description("Exclude completions that hit the length limit from the loss (DAPO).")]
    public bool MaskTruncatedCompletions { get; set; }

    /// <summary>Token-level (GRPO) or sequence-level (GSPO) importance ratios.</summary>
    [Description("Token-level (GRPO) or sequence-level (GSPO) importance ratios.")]
    public ImportanceSampling ImportanceSampling { get; set; } = ImportanceSampling.Token;

    /// <summary>Sync the reference to the policy every N optimizer steps; 0 never.</summary>
    [Description("Sync the reference to the policy every N optimizer steps; 0 never.")]
    [Range(0, int.MaxValue)]
    public int RefSyncSteps { get; set; }

    /// <summary>Mixing weight α of a reference sync: ref ← α·policy + (1−α)·ref.</summary>
    [Description("Mixing weight α of a reference sync: ref ← α·policy + (1−α)·ref.")]
    [Range(0.0, 1.0)]
    public double RefSyncAlpha { get; set; } = 1.0;
}
