using System.Diagnostics;
using System.Globalization;
using Forge.Core.Evaluation;
using Forge.Core.Pipelines;
using Forge.Core.Stages;

namespace Forge.Host.Progress;

/// <summary>
/// Progress as plain lines, for output that is not a terminal (a log file, CI, a pipe): one line when a stage starts
/// and finishes, and one each time a stage passes another tenth of its steps. The host writes them to stderr, beside
/// the log: stdout stays for results (the summary table).
/// </summary>
internal sealed class PlainProgress(TextWriter output) : IRunProgress
{
    private readonly Stopwatch _clock = new();
    private readonly StepRate _rate = new();
    private string _prefix = "";
    private int _total;
    private int _lastTenth = -1;

    public void StageStarted(string stage, string kind, int index, int count)
    {
        _prefix = $"[{index}/{count}] {stage}";
        _total = 0;
        _lastTenth = -1;
        _rate.Clear();
        _clock.Restart();
        output.WriteLine($"{_prefix} ({kind}) started");
    }

    public void StageSteps(string stage, int total) => _total = total;

    public void StepRecorded(string stage, int step, IReadOnlyDictionary<string, double> metrics)
    {
        if (_total <= 0) return;
        if (metrics.ContainsKey(StageEvaluation.PassAt1Key))
        {
            // A periodic evaluation (EvalEvery), after `step` steps: always a line; the one after the last step is the stage's end.
            if (step < _total) output.WriteLine($"{_prefix}  eval after step {step}/{_total}  {ProgressText.Metrics(metrics)}".TrimEnd());
            return;
        }
        int done = Math.Min(step + 1, _total);
        _rate.Add(_clock.Elapsed, done);
        int tenth = done * 10 / _total;
        if (tenth == _lastTenth) return;
        _lastTenth = tenth;
        string eta = ProgressText.Eta(_rate.Remaining(_total));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{_prefix}  step {done}/{_total}  {done * 100 / _total}%  elapsed {ProgressText.Duration(_clock.Elapsed)}  {eta}  {ProgressText.Metrics(metrics)}").TrimEnd());
    }

    public void StageFinished(string stage, double seconds, EvalResult? eval)
    {
        string pass = eval is null ? "" : string.Create(CultureInfo.InvariantCulture, $"  pass@1 {eval.PassAt1:0.000}  cons@{eval.K} {eval.ConsAtK:0.000}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{_prefix} done in {seconds:0.0} s{pass}"));
    }
}
