using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Forge.Contracts.Plugins;
using Forge.Core.Configuration;

namespace Forge.Core.Stages;

/// <summary>
/// An <c>Eval</c> section: <c>K</c> samples per prompt on <c>Prompts</c> rows of each task's <c>Split</c>, at
/// temperature 0.6 and top-p 0.95 by default (the DeepSeek-R1 paper's settings), judged by each task's correctness
/// reward against <c>Threshold</c>.
/// </summary>
public sealed class EvalOptions
{
    /// <summary>Off switch.</summary>
    [Description("false turns evaluation off")]
    public bool Enabled { get; set; } = true;

    /// <summary>Task → correctness reward.</summary>
    [Description("Tasks (prompt sources) → the reward judging correctness; or give PromptSource")]
    [PluginReference(PluginKind.PromptSource, ValueKind = PluginKind.Reward)]
    public Dictionary<string, string> Tasks { get; set; } = [];

    /// <summary>The task when Tasks is empty.</summary>
    [Description("Prompt source to evaluate on when Tasks is empty (default: the stage's)")]
    [PluginReference(PluginKind.PromptSource)]
    public string? PromptSource { get; set; }

    /// <summary>The correctness reward of PromptSource.</summary>
    [Description("Reward judging correctness for PromptSource")]
    [PluginReference(PluginKind.Reward)]
    public string Correctness { get; set; } = "accuracy";

    /// <summary>Samples per prompt.</summary>
    [Description("Samples per prompt (pass@1 is their mean; cons@k their majority vote)")]
    [Range(1, 1024)]
    public int K { get; set; } = 4;

    /// <summary>Held-out prompts per task.</summary>
    [Description("Held-out prompts per task")]
    [Range(1, int.MaxValue)]
    public int Prompts { get; set; } = 64;

    /// <summary>The split evaluated.</summary>
    [Description("Split evaluated")]
    public string Split { get; set; } = "test";

    /// <summary>Sampling temperature.</summary>
    [Description("Sampling temperature")]
    [Range(1e-3, 100.0)]
    public double Temperature { get; set; } = 0.6;

    /// <summary>Nucleus mass.</summary>
    [Description("Nucleus sampling mass")]
    [Range(1e-6, 1.0)]
    public double TopP { get; set; } = 0.95;

    /// <summary>Greedy decoding.</summary>
    [Description("Greedy decoding")]
    public bool Greedy { get; set; }

    /// <summary>Most new tokens; default the stage's Generation:MaxNewTokens.</summary>
    [Description("Most new tokens per completion (default: the stage's Generation:MaxNewTokens, else 256)")]
    [Range(1, 1 << 20)]
    public int? MaxNewTokens { get; set; }

    /// <summary>The sampler plugin.</summary>
    [Description("Sampler plugin")]
    [PluginReference(PluginKind.Sampler)]
    public string Sampler { get; set; } = "kv-cache";

    /// <summary>Correct when the reward reaches this.</summary>
    [Description("A completion is correct when its correctness reward reaches this")]
    public double Threshold { get; set; } = 0.5;
}
