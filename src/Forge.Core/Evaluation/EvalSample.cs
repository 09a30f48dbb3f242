using System.Text.Json.Serialization;

namespace Forge.Core.Evaluation;

/// <summary>One evaluated completion kept for people to read (the run report shows them).</summary>
public sealed record EvalSample(
    [property: JsonPropertyName("prompt")] string Prompt,
    [property: JsonPropertyName("completion")] string Completion,
    [property: JsonPropertyName("correct")] bool Correct);
