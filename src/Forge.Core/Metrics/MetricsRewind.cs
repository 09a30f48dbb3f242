using System.Text.Json;

namespace Forge.Core.Metrics;

/// <summary>
/// Cuts <c>metrics.jsonl</c> back before a resumed run appends to it, so that steps run again after an interruption
/// appear once: to a step checkpoint's recorded length, or to the end of the stages that finished.
/// </summary>
public static class MetricsRewind
{
    /// <summary>Truncates the run's metrics file to <paramref name="length"/> bytes (a checkpoint's position).</summary>
    public static void ToLength(string runDirectory, long length)
    {
        string path = Path.Combine(runDirectory, "metrics.jsonl");
        long actual = File.Exists(path) ? new FileInfo(path).Length : 0;
        if (actual < length)
            throw new ForgeDataException($"{path}: has {actual} bytes but the step checkpoint was written after {length}; the run folder was changed since");
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
        stream.SetLength(length);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>
    /// Keeps the leading lines that belong to <paramref name="finishedStages"/> and cuts the file at the first line
    /// that does not (a stage that will run again), or that is torn by a crash mid-write.
    /// </summary>
    public static void AfterStages(string runDirectory, IReadOnlySet<string> finishedStages)
    {
        ArgumentNullException.ThrowIfNull(finishedStages);
        string path = Path.Combine(runDirectory, "metrics.jsonl");
        if (!File.Exists(path)) return;
        byte[] content = File.ReadAllBytes(path);
        long keep = 0;
        while (keep < content.Length)
        {
            int end = Array.IndexOf(content, (byte)'\n', (int)keep);
            if (end < 0 || !IsLineOf(content.AsSpan((int)keep, end - (int)keep), finishedStages)) break;
            keep = end + 1;
        }
        if (keep < content.Length) ToLength(runDirectory, keep);
    }

    private static bool IsLineOf(ReadOnlySpan<byte> line, IReadOnlySet<string> stages)
    {
        try
        {
            var reader = new Utf8JsonReader(line);
            using var document = JsonDocument.ParseValue(ref reader);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("stage", out var stage) && stage.ValueKind == JsonValueKind.String
                && stages.Contains(stage.GetString()!);
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
