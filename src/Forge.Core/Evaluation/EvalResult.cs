using System.Text.Json.Serialization;

namespace Forge.Core.Evaluation;

/// <summary>Held-out quality of a model: pass@1 averaged over k samples and majority-vote consensus.</summary>
public sealed record EvalResult(
    [property: JsonPropertyName("pass_at_1")] double PassAt1,
    [property: JsonPropertyName("cons_at_k")] double ConsAtK,
    [property: JsonPropertyName("k")] int K,
    [property: JsonPropertyName("prompts")] int Prompts,
    [property: JsonPropertyName("mean_length")] double MeanLength)
{
    /// <summary>The first sample of the first few prompts (absent from the prompt-weighted overall result).</summary>
    [JsonPropertyName("samples"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<EvalSample>? Samples { get; init; }
}
