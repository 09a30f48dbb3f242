using System.Text.Json;
using Forge.Core.Data;

namespace Forge.Core.Metrics;

/// <summary>
/// Appends one JSON object per training or evaluation step to the run's <c>metrics.jsonl</c>, flushed at once so a
/// crash loses nothing already reported, and the same numbers to TensorBoard (<see cref="TensorBoardLog"/>) and to
/// .NET's metrics API (<see cref="ForgeMeter"/>: dotnet-counters, OpenTelemetry).
/// </summary>
public sealed class MetricsLog : IDisposable
{
    private readonly StreamWriter? _writer;
    private readonly TensorBoardLog? _tensorBoard;

    /// <summary>Opens (appending) <c>metrics.jsonl</c> in <paramref name="runDirectory"/>.</summary>
    public MetricsLog(string runDirectory)
    {
        Path = System.IO.Path.Combine(runDirectory, "metrics.jsonl");
        _writer = new StreamWriter(Path, append: true) { AutoFlush = true };
        _tensorBoard = new TensorBoardLog(runDirectory);
    }

    private MetricsLog()
    {
        Path = "";
    }

    /// <summary>
    /// A log that writes nothing (the ranks of a data-parallel run other than rank 0, which alone writes the run
    /// folder) but still raises <see cref="Recorded"/>.
    /// </summary>
    public static MetricsLog Silent() => new();

    /// <summary>The file written.</summary>
    public string Path { get; }

    /// <summary>Bytes in the file so far (every record is flushed as it is written); step checkpoints keep it.</summary>
    public long Length => _writer?.BaseStream.Length ?? 0;

    /// <summary>Raised after each record, e.g. for progress displays.</summary>
    public event Action<string, int, IReadOnlyDictionary<string, double>>? Recorded;

    /// <summary>Writes <c>{"stage":…, "step":…, "time":…, metrics…}</c>.</summary>
    public void Record(string stage, int step, IReadOnlyDictionary<string, double> metrics)
    {
        if (_writer is null)
        {
            Recorded?.Invoke(stage, step, metrics);
            return;
        }
        var line = new Dictionary<string, object> { ["stage"] = stage, ["step"] = step, ["time"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0 };
        foreach (var (key, value) in metrics) line[key] = double.IsFinite(value) ? value : double.NaN.ToString();
        _writer.WriteLine(JsonSerializer.Serialize(line, ForgeJson.Compact));
        _tensorBoard!.Record(stage, step, metrics);
        ForgeMeter.Record(stage, metrics);
        Recorded?.Invoke(stage, step, metrics);
    }

    /// <inheritdoc />
    public void Dispose() => _writer?.Dispose();
}
