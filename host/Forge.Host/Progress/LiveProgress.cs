using System.Globalization;
using Forge.Core.Evaluation;
using Forge.Core.Pipelines;
using Forge.Core.Stages;
using Spectre.Console;

namespace Forge.Host.Progress;

/// <summary>
/// Spectre.Console's live progress: a row per stage with its bar, percentage and elapsed time, and in the description
/// the remaining time at the pace of the last steps (<see cref="StepRate"/>) and the latest reward and each reward's
/// mean, or the loss (<see cref="ProgressText"/>).
/// </summary>
internal sealed class LiveProgress(ProgressContext context) : IRunProgress
{
    private readonly System.Diagnostics.Stopwatch _clock = new();
    private readonly StepRate _rate = new();
    private ProgressTask? _task;
    private string _prefix = "";
    private string _eval = "";

    public void StageStarted(string stage, string kind, int index, int count)
    {
        _prefix = $"[{index}/{count}] {stage} ({kind})";
        _eval = "";
        _task = context.AddTask(Markup.Escape(_prefix), maxValue: 1);
        _rate.Clear();
        _clock.Restart();
    }

    public void StageSteps(string stage, int total)
    {
        if (_task is not null) _task.MaxValue = Math.Max(1, total);
    }

    public void StepRecorded(string stage, int step, IReadOnlyDictionary<string, double> metrics)
    {
        if (_task is null) return;
        // A periodic evaluation (EvalEvery) is recorded after its step: it moves no bar, and its pass@1 stays in view.
        if (metrics.ContainsKey(StageEvaluation.PassAt1Key))
        {
            _eval = ProgressText.Metrics(metrics);
            return;
        }
        _task.Value = Math.Min(step + 1, _task.MaxValue);
        _rate.Add(_clock.Elapsed, (int)_task.Value);
        _task.Description = Markup.Escape(
            $"{_prefix} step {(int)_task.Value}/{(int)_task.MaxValue}  {ProgressText.Eta(_rate.Remaining((int)_task.MaxValue))}  {ProgressText.Metrics(metrics)}  {_eval}".TrimEnd());
    }

    public void StageFinished(string stage, double seconds, EvalResult? eval)
    {
        if (_task is null) return;
        string pass = eval is null ? "" : string.Create(CultureInfo.InvariantCulture, $"  pass@1 {eval.PassAt1:0.000}");
        _task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{_prefix} done in {seconds:0.0} s{pass}"));
        _task.Value = _task.MaxValue;
        _task.StopTask();
    }
}
