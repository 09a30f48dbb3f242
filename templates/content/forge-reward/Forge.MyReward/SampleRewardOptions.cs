using System.ComponentModel.DataAnnotations;

namespace Forge.MyReward;

/// <summary>Options, bound from <c>Rewards:my-reward</c> and validated before a run starts.</summary>
public sealed class SampleRewardOptions
{
    /// <summary>The text a completion must contain.</summary>
    [Required(AllowEmptyStrings = false)]
    public string Keyword { get; set; } = "<answer>";

    /// <summary>The score of a completion that contains it.</summary>
    [Range(-100.0, 100.0)]
    public double Score { get; set; } = 1.0;

    /// <summary>Match regardless of case.</summary>
    public bool IgnoreCase { get; set; } = true;
}
