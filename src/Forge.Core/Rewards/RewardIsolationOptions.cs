namespace Forge.Core.Rewards;

/// <summary>How reward failures are contained (configuration section <c>Forge:RewardIsolation</c>).</summary>
public sealed class RewardIsolationOptions
{
    /// <summary>Longest time one reward may take on one batch before its scores become null.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Fail the run instead of scoring null when a reward throws or times out.</summary>
    public bool FailOnError { get; set; }
}
