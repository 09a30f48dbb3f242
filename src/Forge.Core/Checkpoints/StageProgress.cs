using System.Text.Json;
using System.Text.Json.Serialization;
using Forge.Core.Data;

namespace Forge.Core.Checkpoints;

/// <summary>Where a stage's data stream stood: the pass over the data and the rows of it already used.</summary>
/// <param name="Epoch">Pass over the data (its shuffle or prompt order is a function of the seed and this).</param>
/// <param name="Offset">Rows of that pass already consumed.</param>
public sealed record DataPosition(
    [property: JsonPropertyName("epoch")] int Epoch,
    [property: JsonPropertyName("offset")] int Offset);

/// <summary>
/// A step checkpoint's <c>progress.json</c>: how far the stage had got. Together with the model and the trainer state
/// beside it, this is everything a resumed stage needs, because every random choice of a step is a function of
/// (seed, step) rather than of generator state carried from step to step.
/// </summary>
/// <param name="Stage">The stage's name.</param>
/// <param name="Step">Steps completed; the resumed stage starts with step index <paramref name="Step"/>.</param>
/// <param name="Seed">The run's seed (a resume with another seed would not continue the same run).</param>
/// <param name="Data">Position in the stage's data: SFT epoch and row offset, RL prompt pass and prompts taken.</param>
/// <param name="MetricsBytes">Length of <c>metrics.jsonl</c> after this step's line; a resume cuts the file back to it.</param>
/// <param name="LearningRate">Learning rate of the next update (informational: the schedule is a function of the step).</param>
public sealed record StageProgress(
    [property: JsonPropertyName("stage")] string Stage,
    [property: JsonPropertyName("step")] int Step,
    [property: JsonPropertyName("seed")] int Seed,
    [property: JsonPropertyName("data")] DataPosition Data,
    [property: JsonPropertyName("metrics_bytes")] long MetricsBytes,
    [property: JsonPropertyName("learning_rate")] double LearningRate)
{
    /// <summary>Serialized for <c>progress.json</c>.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, ForgeJson.Indented);

    /// <summary>Reads and checks <paramref name="path"/>; one line naming the file when it is damaged.</summary>
    public static StageProgress Read(string path)
    {
        StageProgress? progress;
        try
        {
            progress = JsonSerializer.Deserialize<StageProgress>(BoundedFile.ReadAllText(path, BoundedFile.SmallJsonBytes, "progress.json"));
        }
        catch (JsonException ex)
        {
            throw new ForgeDataException($"{path}: invalid JSON ({JsonErrors.Describe(ex)})");
        }
        if (progress is null || progress.Stage is null || progress.Data is null)
            throw new ForgeDataException($"{path}: expected {{\"stage\", \"step\", \"seed\", \"data\", \"metrics_bytes\"}}");
        if (progress.Step < 0 || progress.MetricsBytes < 0 || progress.Data.Epoch < 0 || progress.Data.Offset < 0)
            throw new ForgeDataException($"{path}: negative step, offset or metrics length");
        return progress;
    }
}
