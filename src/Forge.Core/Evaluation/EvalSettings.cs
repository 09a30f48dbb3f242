using Forge.Contracts.Sampling;
using Microsoft.Extensions.Configuration;

namespace Forge.Core.Evaluation;

/// <summary>One task to evaluate: a prompt source and the reward that judges correctness.</summary>
/// <param name="Source">The prompt source (task) name.</param>
/// <param name="Correctness">The reward whose score (≥ the threshold) means "correct".</param>
public sealed record EvalTask(string Source, string Correctness);

/// <summary>
/// How a model is evaluated: <c>K</c> samples per prompt on <c>Prompts</c> rows of each task's <c>Split</c>, at
/// temperature 0.6 and top-p 0.95 by default (the DeepSeek-R1 paper's settings), judged by each task's
/// correctness reward against <c>Threshold</c>.
/// </summary>
public sealed record EvalSettings(IReadOnlyList<EvalTask> Tasks, int K, int Prompts, string Split, GenerationSettings Generation,
    string Sampler, double Threshold)
{
    /// <summary>
    /// Reads an evaluation section: <c>Tasks</c> (task name → correctness reward) or <c>PromptSource</c> with
    /// <c>Correctness</c> (default <c>accuracy</c>); <paramref name="fallbackSource"/> serves when neither is set.
    /// </summary>
    public static EvalSettings From(IConfigurationSection section, string? fallbackSource, int defaultMaxNewTokens)
    {
        ArgumentNullException.ThrowIfNull(section);
        var tasks = section.GetSection("Tasks").GetChildren().Select(c => new EvalTask(c.Key, c.Value ?? c["Correctness"] ?? "accuracy")).ToList();
        if (tasks.Count == 0)
        {
            string source = section["PromptSource"] ?? fallbackSource
                ?? throw new ForgeDataException($"{section.Path}:PromptSource: which prompts to evaluate on? (or give Tasks)");
            tasks.Add(new EvalTask(source, section["Correctness"] ?? "accuracy"));
        }
        int k = section.GetValue("K", 4), prompts = section.GetValue("Prompts", 64);
        if (k < 1 || prompts < 1) throw new ForgeDataException($"{section.Path}: K and Prompts must be at least 1");
        var generation = new GenerationSettings
        {
            Temperature = section.GetValue("Temperature", 0.6),
            TopP = section.GetValue("TopP", 0.95),
            Greedy = section.GetValue("Greedy", false),
            MaxNewTokens = section.GetValue("MaxNewTokens", defaultMaxNewTokens),
        };
        return new EvalSettings(tasks, k, prompts, section["Split"] ?? "test", generation, section["Sampler"] ?? "kv-cache",
            section.GetValue("Threshold", 0.5));
    }
}
