using Microsoft.Extensions.Configuration;

namespace Forge.Core.Pipelines;

/// <summary>What a stage gets: its settings, the run folder, the seed and cancellation.</summary>
/// <param name="Name">The stage's name in the pipeline (unique); artifacts are named after it.</param>
/// <param name="Settings">The stage's configuration section.</param>
/// <param name="RunDirectory">The run folder: <c>checkpoints/&lt;stage&gt;/</c>, <c>data/&lt;stage&gt;.jsonl</c>.</param>
/// <param name="Seed">The run's seed.</param>
/// <param name="CancellationToken">Signals Ctrl+C / SIGTERM; stages stop at a step boundary.</param>
public sealed record StageContext(string Name, IConfigurationSection Settings, string RunDirectory, int Seed, CancellationToken CancellationToken)
{
    /// <summary>The pipeline's section (<c>Pipelines:&lt;name&gt;</c>), for settings every stage shares such as <c>Eval</c>.</summary>
    public IConfigurationSection? PipelineSettings { get; init; }

    /// <summary>True when the stage continues an interrupted run (<c>forge run --resume</c>) from its newest step checkpoint.</summary>
    public bool Resume { get; init; }

    /// <summary>Where the stage reports its step count and metrics records for a progress display.</summary>
    public IRunProgress Progress { get; init; } = NoRunProgress.Instance;

    /// <summary>Opens the run's metrics log for a stage of <paramref name="totalSteps"/> steps, its records shown by <see cref="Progress"/>.</summary>
    public Metrics.MetricsLog OpenMetrics(int totalSteps)
    {
        var log = new Metrics.MetricsLog(RunDirectory);
        log.Recorded += Progress.StepRecorded;
        Progress.StageSteps(Name, totalSteps);
        return log;
    }

    /// <summary>Path of this stage's dataset artifact, <c>data/&lt;stage&gt;.jsonl</c>.</summary>
    public string DataPath => Path.Combine(RunDirectory, "data", Name + ".jsonl");

    /// <summary>Path of this stage's evaluation report, <c>eval/&lt;stage&gt;.json</c>.</summary>
    public string EvalPath => Path.Combine(RunDirectory, "eval", Name + ".json");

    /// <summary>Path of this stage's checkpoint folder, <c>checkpoints/&lt;stage&gt;/</c>.</summary>
    public string CheckpointDirectory => Path.Combine(RunDirectory, "checkpoints", Name);

    /// <summary>A setting resolved against the run folder when relative (artifacts of earlier stages).</summary>
    public string? ResolvePath(string key)
    {
        string? value = Settings[key];
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (Path.IsPathRooted(value)) return value;
        string inRun = Path.Combine(RunDirectory, value);
        if (File.Exists(inRun) || Directory.Exists(inRun)) return inRun;
        string besideHost = Path.Combine(AppContext.BaseDirectory, value);
        return File.Exists(besideHost) || Directory.Exists(besideHost) ? besideHost : Path.GetFullPath(value);
    }
}
