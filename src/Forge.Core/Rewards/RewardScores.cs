namespace Forge.Core.Rewards;

/// <summary>The scores of one completion: each reward by name (null = no score) and the weighted total.</summary>
/// <param name="Rewards">Score of each reward, in configuration order.</param>
/// <param name="Total">Weighted sum over the rewards that gave a score (rewards without a score add nothing, as TRL's nansum).</param>
public sealed record RewardScores(IReadOnlyDictionary<string, double?> Rewards, double Total)
{
    /// <summary>True when at least one reward gave a score; false when every reward returned "no score".</summary>
    public bool Scored => Rewards.Values.Any(v => v is not null);
}
