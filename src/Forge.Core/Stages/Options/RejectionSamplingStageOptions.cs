using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Forge.Contracts.Plugins;
using Forge.Core.Configuration;
using Forge.Core.Plugins;

namespace Forge.Core.Stages;

/// <summary>Options of a <c>rejection-sampling</c> stage: a teacher's samples, scored and filtered into traces.</summary>
public sealed class RejectionSamplingStageOptions : StageOptions
{
    /// <summary>The teacher.</summary>
    [Description("Teacher: a model folder, or { Endpoint, Model, ApiKeyVariable, System, MaxConcurrency, TimeoutSeconds }")]
    public TeacherOptions? Teacher { get; set; }

    /// <summary>A model folder serving as the teacher when Teacher is absent.</summary>
    [Description("Model folder used as the teacher when Teacher is absent")]
    [PathSetting]
    public string? Model { get; set; }

    /// <summary>Tokenizer override.</summary>
    [Description("Tokenizer path overriding the model's")]
    [PathSetting]
    public string? Tokenizer { get; set; }

    /// <summary>The sampler plugin of a local teacher.</summary>
    [Description("Sampler plugin of a local teacher")]
    [PluginReference(PluginKind.Sampler)]
    public PluginSelection Sampler { get; set; } = new("kv-cache");

    /// <summary>The prompt source plugin.</summary>
    [Description("Prompt source plugin")]
    [Required]
    [PluginReference(PluginKind.PromptSource)]
    public PluginSelection? PromptSource { get; set; }

    /// <summary>The split prompts come from.</summary>
    [Description("Split of the prompt source")]
    public string Split { get; set; } = "train";

    /// <summary>Prompts sampled.</summary>
    [Description("Prompts to sample")]
    [Range(1, int.MaxValue)]
    public int Prompts { get; set; } = 256;

    /// <summary>Samples per prompt.</summary>
    [Description("Completions per prompt")]
    [Range(1, 1 << 16)]
    public int SamplesPerPrompt { get; set; } = 4;

    /// <summary>Prompts per generation call.</summary>
    [Description("Prompts per generation call (bounds memory)")]
    [Range(1, 1 << 16)]
    public int PromptsPerBatch { get; set; } = 32;

    /// <summary>Sampling settings.</summary>
    [Description("How completions are sampled")]
    public GenerationOptions Generation { get; set; } = new();

    /// <summary>Reward name → weight.</summary>
    [Description("Rewards: { \"name\": weight } or { \"name\": { \"Weight\": w, \"Plugin\": p, …its options for this stage } }")]
    [Required]
    [PluginReference(PluginKind.Reward)]
    public Dictionary<string, RewardSelection>? Rewards { get; set; }

    /// <summary>Reward name → minimum score to keep a sample.</summary>
    [Description("Reward → the least score a kept sample has")]
    public Dictionary<string, double> Thresholds { get; set; } = [];

    /// <summary>Keep samples that hit the length limit.</summary>
    [Description("Keep samples that hit the length limit")]
    public bool KeepTruncated { get; set; }

    /// <summary>Drop repeats of a kept sample (whitespace aside).</summary>
    [Description("Drop samples equal to one already kept for the prompt (whitespace aside)")]
    public bool Deduplicate { get; set; } = true;

    /// <summary>Samples kept per prompt.</summary>
    [Description("Samples kept per prompt")]
    [Range(1, 1 << 16)]
    public int MaxPerPrompt { get; set; } = 4;
}
