using System.Text.Json;
using System.Text.Json.Serialization;
using Forge.Core.Data;

namespace Forge.Core.Pipelines;

/// <summary>The run folder's <c>summary.json</c>: the pipeline and what each stage did.</summary>
public sealed record RunSummary(
    [property: JsonPropertyName("pipeline")] string Pipeline,
    [property: JsonPropertyName("seed")] int Seed,
    [property: JsonPropertyName("stages")] IReadOnlyList<StageSummary> Stages)
{
    /// <summary>The run folder's <c>summary.json</c>, or null when there is none; a malformed one is a <see cref="ForgeDataException"/>.</summary>
    public static RunSummary? Read(string runDirectory)
    {
        string path = Path.Combine(runDirectory, "summary.json");
        if (!Path.Exists(path)) return null;
        RunSummary? summary;
        try
        {
            summary = JsonSerializer.Deserialize<RunSummary>(BoundedFile.ReadAllText(path, BoundedFile.SmallJsonBytes, "summary.json"));
        }
        catch (JsonException ex)
        {
            throw new ForgeDataException($"{path}: invalid JSON ({JsonErrors.Describe(ex)})");
        }
        if (summary?.Pipeline is null || summary.Stages is null || summary.Stages.Any(s => s?.Name is null || s.Kind is null))
            throw new ForgeDataException($"{path}: expected {{\"pipeline\", \"seed\", \"stages\": [{{\"name\", \"kind\", …}}]}}");
        return summary;
    }

    /// <summary>Writes <c>summary.json</c> atomically (temporary file, then rename) so a reader never sees half of it.</summary>
    public void Write(string runDirectory)
    {
        string path = Path.Combine(runDirectory, "summary.json");
        string temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(this, Data.ForgeJson.Indented));
        File.Move(temp, path, overwrite: true);
    }
}
