using System.Text.Json;
using Forge.Contracts.Data;
using Forge.Contracts.Rewards;

namespace Forge.Plugins.Rewards.Tests;

/// <summary>Builds rows and scores single completions.</summary>
internal static class Rows
{
    public static PromptRow With(params (string Column, object? Value)[] columns) =>
        new("row", "prompt", columns.ToDictionary(c => c.Column, c => JsonSerializer.SerializeToElement(c.Value)));

    public static double? Score(this IRewardModel reward, PromptRow row, string completion, int tokens = 0, bool truncated = false) =>
        reward.Score([new RewardInput(row, completion, tokens, truncated)])[0];
}
