using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Forge.Contracts.Plugins;
using Forge.Core.Configuration;
using Forge.Core.Plugins;

namespace Forge.Core.Stages;

/// <summary>Options of a <c>score</c> stage: scores a completion file with rewards.</summary>
public sealed class ScoreStageOptions : StageOptions
{
    /// <summary>The completion file.</summary>
    [Description("Completion file (JSONL: prompt, completion, dataset columns; optional completion_tokens, an integer ≥ 0)")]
    [Required]
    [PathSetting]
    public string? Input { get; set; }

    /// <summary>A tokenizer counting each completion's tokens for the rewards where a line has no <c>completion_tokens</c>.</summary>
    [Description("tokenizer.json (or its folder) counting a completion's tokens where its line has no completion_tokens (default: 0 tokens)")]
    [PathSetting]
    public string? Tokenizer { get; set; }

    /// <summary>Reward name → weight.</summary>
    [Description("Rewards: { \"name\": weight } or { \"name\": { \"Weight\": w, \"Plugin\": p, …its options for this stage } }")]
    [Required]
    [PluginReference(PluginKind.Reward)]
    public Dictionary<string, RewardSelection>? Rewards { get; set; }
}
