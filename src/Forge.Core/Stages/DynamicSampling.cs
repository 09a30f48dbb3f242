using Forge.Core.Rewards;

namespace Forge.Core.Stages;

/// <summary>
/// DAPO's dynamic sampling: a group whose completions all scored the same has zero advantage everywhere, so it only
/// dilutes the batch; such groups are dropped and replaced by fresh prompts.
/// </summary>
public static class DynamicSampling
{
    /// <summary>True when the group's total rewards are not all equal (it carries a learning signal).</summary>
    public static bool IsInformative(IReadOnlyList<RewardScores> group)
    {
        ArgumentNullException.ThrowIfNull(group);
        return group.Select(s => s.Total).Distinct().Skip(1).Any();
    }
}
