using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;

namespace Forge.Core.Metrics;

/// <summary>
/// Every recorded metric also goes out through <see cref="System.Diagnostics.Metrics"/>, the .NET metrics API that
/// <c>dotnet-counters</c> and OpenTelemetry listen to: meter <c>Forge</c>, one gauge per metric key named
/// <c>forge.&lt;key&gt;</c> (characters an instrument name may not hold become <c>_</c>: <c>eval/pass@1</c> →
/// <c>forge.eval/pass_1</c>), each value tagged with its stage. The step is not a tag: every distinct tag value is a
/// time series of its own to a collector (OpenTelemetry keeps at most 2,000 per instrument), and the export time
/// orders the values.
/// </summary>
public static class ForgeMeter
{
    /// <summary>The meter's name, for listeners (<c>dotnet-counters monitor --counters Forge</c>, OpenTelemetry's AddMeter).</summary>
    public const string Name = "Forge";

    private static readonly Meter Meter = new(Name, typeof(ForgeMeter).Assembly.GetName().Version?.ToString());
    private static readonly ConcurrentDictionary<string, Gauge<double>> Gauges = new(StringComparer.Ordinal);

    /// <summary>Publishes one record's values.</summary>
    public static void Record(string stage, IReadOnlyDictionary<string, double> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var tags = new TagList { { "forge.stage", stage } };
        foreach (var (key, value) in metrics)
            if (double.IsFinite(value)) Gauges.GetOrAdd(key, k => Meter.CreateGauge<double>(InstrumentName(k))).Record(value, tags);
    }

    /// <summary><c>forge.</c> and the key with every character outside [A-Za-z0-9_.-/] replaced by <c>_</c>.</summary>
    public static string InstrumentName(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var name = new StringBuilder("forge.", key.Length + 6);
        foreach (char c in key) name.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' or '/' ? c : '_');
        return name.ToString();
    }
}
