using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Forge.Contracts.Plugins;
using Forge.Core.Configuration;
using Forge.Core.Plugins;

namespace Forge.Core.Stages;

/// <summary>Options of an <c>rl</c> stage: prompt source → sampler → rewards → policy optimizer.</summary>
public sealed class RlStageOptions : TrainingStageOptions
{
    /// <summary>The prompt source plugin.</summary>
    [Description("Prompt source plugin (task or dataset)")]
    [Required]
    [PluginReference(PluginKind.PromptSource)]
    public PluginSelection? PromptSource { get; set; }

    /// <summary>The sampler plugin.</summary>
    [Description("Sampler plugin")]
    [PluginReference(PluginKind.Sampler)]
    public PluginSelection Sampler { get; set; } = new("kv-cache");

    /// <summary>The policy optimizer plugin.</summary>
    [Description("Policy optimizer plugin: a name, or { \"Plugin\": name, …its options for this stage }")]
    [PluginReference(PluginKind.Optimizer)]
    public PluginSelection Optimizer { get; set; } = new("grpo");

    /// <summary>Reward name → weight.</summary>
    [Description("Rewards: { \"name\": weight } or { \"name\": { \"Weight\": w, \"Plugin\": p, …its options for this stage } }")]
    [Required]
    [PluginReference(PluginKind.Reward)]
    public Dictionary<string, RewardSelection>? Rewards { get; set; }

    /// <summary>RL steps.</summary>
    [Description("RL steps (one generation batch and policy update each)")]
    [Range(1, int.MaxValue)]
    public int Steps { get; set; } = 100;

    /// <summary>Prompts per step.</summary>
    [Description("Prompts per step")]
    [Range(1, 1 << 20)]
    public int PromptsPerStep { get; set; } = 16;

    /// <summary>G: completions per prompt.</summary>
    [Description("Completions per prompt (GRPO's group size G)")]
    [Range(1, 1 << 16)]
    public int CompletionsPerPrompt { get; set; } = 8;

    /// <summary>DAPO's dynamic sampling.</summary>
    [Description("Replace groups whose rewards are all equal by fresh prompts (DAPO)")]
    public bool DynamicSampling { get; set; }

    /// <summary>Refill rounds per step with dynamic sampling.</summary>
    [Description("Refill rounds per step under DynamicSampling")]
    [Range(0, 1000)]
    public int MaxRefills { get; set; } = 4;

    /// <summary>Prompts shuffled through a buffer this big; 0 keeps source order.</summary>
    [Description("Prompts per pass shuffled through a buffer this big; 0 keeps the source's order")]
    [Range(0, 100_000_000)]
    public int ShuffleBuffer { get; set; } = 10_000;
}
