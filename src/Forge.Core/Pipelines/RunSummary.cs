using System.Text.Json;
using System.Text.Json.Serialization;

namespace Forge.Core.Pipelines;

/// <summary>The run folder's <c>summary.json</c>: the pipeline and what each stage did.</summary>
public sealed record RunSummary(
    [property: JsonPropertyName("pipeline")] string Pipeline,
    [property: JsonPropertyName("seed")] int Seed,
    [property: JsonPropertyName("stages")] IReadOnlyList<StageSummary> Stages)
{
    /// <summary>Writes <c>summary.json</c> atomically (temporary file, then rename) so a reader never sees half of it.</summary>
    public void Write(string runDirectory)
    {
        string path = Path.Combine(runDirectory, "summary.json");
        string temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(this, Data.ForgeJson.Indented));
        File.Move(temp, path, overwrite: true);
    }
}
