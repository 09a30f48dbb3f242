using System.Text.Json.Serialization;
using Forge.Core.Evaluation;

namespace Forge.Core.Pipelines;

/// <summary>One stage's entry in <c>summary.json</c>.</summary>
public sealed record StageSummary(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("wall_seconds")] double WallSeconds,
    [property: JsonPropertyName("metrics")] IReadOnlyDictionary<string, double> Metrics,
    [property: JsonPropertyName("eval"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] EvalResult? Eval = null);
