using System.Text.Json.Serialization;

namespace Forge.Core.Evaluation;

/// <summary>What an evaluation found: each task's result and the prompt-weighted overall one.</summary>
public sealed record EvalReport(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("overall")] EvalResult Overall,
    [property: JsonPropertyName("tasks")] IReadOnlyDictionary<string, EvalResult> Tasks)
{
    /// <summary>Combines per-task results, weighting each by its number of prompts.</summary>
    public static EvalReport Combine(string model, IReadOnlyDictionary<string, EvalResult> tasks)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        int prompts = tasks.Values.Sum(t => t.Prompts);
        double Weighted(Func<EvalResult, double> value) => prompts == 0 ? 0 : tasks.Values.Sum(t => value(t) * t.Prompts) / prompts;
        var overall = new EvalResult(Weighted(t => t.PassAt1), Weighted(t => t.ConsAtK), tasks.Values.FirstOrDefault()?.K ?? 0, prompts,
            Weighted(t => t.MeanLength));
        return new EvalReport(model, overall, tasks);
    }
}
