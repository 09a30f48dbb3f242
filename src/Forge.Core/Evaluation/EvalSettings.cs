using Forge.Contracts.Sampling;
using Forge.Core.Stages;

namespace Forge.Core.Evaluation;

/// <summary>One task to evaluate: a prompt source and the reward that judges correctness.</summary>
/// <param name="Source">The prompt source (task) name.</param>
/// <param name="Correctness">The reward whose score (≥ the threshold) means "correct".</param>
public sealed record EvalTask(string Source, string Correctness);

/// <summary>
/// How a model is evaluated: <c>K</c> samples per prompt on <c>Prompts</c> rows of each task's <c>Split</c>, judged by
/// each task's correctness reward against <c>Threshold</c> (see <see cref="EvalOptions"/> for the defaults).
/// </summary>
public sealed record EvalSettings(IReadOnlyList<EvalTask> Tasks, int K, int Prompts, string Split, GenerationSettings Generation,
    string Sampler, double Threshold)
{
    /// <summary>
    /// Resolves an <c>Eval</c> section: <c>Tasks</c> (task name → correctness reward), else <c>PromptSource</c> (or
    /// <paramref name="fallbackSource"/>, the stage's) with <c>Correctness</c>.
    /// </summary>
    public static EvalSettings From(EvalOptions options, string? fallbackSource, int defaultMaxNewTokens, string path)
    {
        ArgumentNullException.ThrowIfNull(options);
        var tasks = options.Tasks.Select(t => new EvalTask(t.Key, t.Value)).ToList();
        if (tasks.Count == 0)
        {
            string source = options.PromptSource ?? fallbackSource
                ?? throw new ForgeDataException($"{path}:PromptSource: which prompts to evaluate on? (or give Tasks)");
            tasks.Add(new EvalTask(source, options.Correctness));
        }
        var generation = new GenerationSettings
        {
            Temperature = options.Temperature,
            TopP = options.TopP,
            Greedy = options.Greedy,
            MaxNewTokens = options.MaxNewTokens ?? defaultMaxNewTokens,
        };
        return new EvalSettings(tasks, options.K, options.Prompts, options.Split, generation, options.Sampler, options.Threshold);
    }
}
