using System.Diagnostics;

namespace Forge.Core.Stages;

/// <summary>
/// Where a step's wall time went: seconds per named phase (<c>time/&lt;phase&gt;_s</c>) and the garbage collector's
/// pauses and collections during the step (<c>gc/pause_ms</c>, <c>gc/gen2</c>), so a slow step names its cause in
/// metrics.jsonl.
/// </summary>
internal sealed class StepPhases
{
    private readonly Dictionary<string, double> _seconds = new(StringComparer.Ordinal);
    private readonly TimeSpan _pauseAtStart = GC.GetTotalPauseDuration();
    private readonly int _gen2AtStart = GC.CollectionCount(2);

    /// <summary>Runs <paramref name="work"/>, adding its wall time to <paramref name="phase"/>.</summary>
    public T Time<T>(string phase, Func<T> work)
    {
        long start = Stopwatch.GetTimestamp();
        try
        {
            return work();
        }
        finally
        {
            _seconds[phase] = _seconds.GetValueOrDefault(phase) + Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
    }

    /// <summary>Adds the phases' seconds and the collector's figures to <paramref name="metrics"/>.</summary>
    public void AddTo(IDictionary<string, double> metrics)
    {
        foreach (var (phase, seconds) in _seconds) metrics[$"time/{phase}_s"] = seconds;
        metrics["gc/pause_ms"] = (GC.GetTotalPauseDuration() - _pauseAtStart).TotalMilliseconds;
        metrics["gc/gen2"] = GC.CollectionCount(2) - _gen2AtStart;
    }
}
