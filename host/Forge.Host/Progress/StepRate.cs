namespace Forge.Host.Progress;

/// <summary>
/// A stage's pace from its last <see cref="Window"/> step records, for the remaining-time estimate: a stage's first step
/// carries model loading and warm-up, so an estimate from the stage's whole elapsed time (a 4-minute stage once showed
/// 25 minutes left) says more about the start than about the steps to come.
/// </summary>
internal sealed class StepRate
{
    /// <summary>Step records the pace is measured over.</summary>
    public const int Window = 16;

    private readonly Queue<(TimeSpan Elapsed, int Done)> _samples = new();

    /// <summary>Notes that <paramref name="done"/> steps were complete at <paramref name="elapsed"/>.</summary>
    public void Add(TimeSpan elapsed, int done)
    {
        _samples.Enqueue((elapsed, done));
        while (_samples.Count > Window) _samples.Dequeue();
    }

    /// <summary>Forgets every sample (a new stage).</summary>
    public void Clear() => _samples.Clear();

    /// <summary>Time left for <paramref name="total"/> steps at the window's pace; null until two records are in.</summary>
    public TimeSpan? Remaining(int total)
    {
        if (_samples.Count < 2) return null;
        var (firstTime, firstDone) = _samples.Peek();
        var (lastTime, lastDone) = _samples.Last();
        if (lastDone >= total) return TimeSpan.Zero;
        if (lastDone <= firstDone) return null;
        return (lastTime - firstTime) * ((total - lastDone) / (double)(lastDone - firstDone));
    }
}
