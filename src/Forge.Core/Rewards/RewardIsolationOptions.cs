using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Forge.Core.Rewards;

/// <summary>How reward failures are contained (configuration section <c>Forge:RewardIsolation</c>).</summary>
public sealed class RewardIsolationOptions
{
    /// <summary>Longest time one reward may take on one batch before its scores become null.</summary>
    [Description("Longest one reward may take on one batch (5s, 2m, 00:01:00; a bare number is refused)")]
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Fail the run instead of scoring null when a reward throws or times out.</summary>
    [Description("Fail the run instead of scoring null when a reward throws or times out")]
    public bool FailOnError { get; set; }
}
