using Forge.Core.Stages;

namespace Forge.Core.Pipelines;

/// <summary>What a stage gets: its bound options, the run folder, the seed and cancellation.</summary>
/// <param name="Stage">The stage as planned: name, kind, bound options, configuration section.</param>
/// <param name="RunDirectory">The run folder: <c>checkpoints/&lt;stage&gt;/</c>, <c>data/&lt;stage&gt;.jsonl</c>.</param>
/// <param name="Seed">The run's seed.</param>
/// <param name="CancellationToken">Signals Ctrl+C / SIGTERM; stages stop at a step boundary.</param>
public sealed record StageContext(PlannedStage Stage, string RunDirectory, int Seed, CancellationToken CancellationToken)
{
    /// <summary>The stage's name in the pipeline (unique); artifacts are named after it.</summary>
    public string Name => Stage.Name;

    /// <summary>The stage's key path in configuration (<c>Pipelines:r1:Stages:1</c>), for messages.</summary>
    public string Path => Stage.Section.Path;

    /// <summary>The evaluation that applies to the stage (its own Eval, else the pipeline's), or null when off.</summary>
    public EvalOptions? Eval { get; init; }

    /// <summary>Where <see cref="Eval"/> came from (<c>…:Eval</c> of the stage or the pipeline), for messages.</summary>
    public string EvalKey { get; init; } = "Eval";

    /// <summary>True when the stage continues an interrupted run (<c>forge run --resume</c>) from its newest step checkpoint.</summary>
    public bool Resume { get; init; }

    /// <summary>Where the stage reports its step count and metrics records for a progress display.</summary>
    public IRunProgress Progress { get; init; } = NoRunProgress.Instance;

    /// <summary>
    /// The ranks of a data-parallel run (<c>forge run --nproc-per-node N</c>, torchrun): training stages split their
    /// batch over them; only rank 0 writes the run folder. A single-process one by default.
    /// </summary>
    public Distributed.ICommunicator Communicator { get; init; } = Distributed.SingleProcessCommunicator.Instance;

    /// <summary>True on the rank that writes the run folder (rank 0; the only one in a single process).</summary>
    public bool IsMain => Communicator.Rank == 0;

    /// <summary>The stage's options as its kind's class.</summary>
    public T Options<T>() where T : StageOptions => (T)Stage.Options;

    /// <summary>Opens the run's metrics log for a stage of <paramref name="totalSteps"/> steps, its records shown by <see cref="Progress"/>.</summary>
    public Metrics.MetricsLog OpenMetrics(int totalSteps)
    {
        var log = IsMain ? new Metrics.MetricsLog(RunDirectory) : Metrics.MetricsLog.Silent();
        log.Recorded += Progress.StepRecorded;
        Progress.StageSteps(Name, totalSteps);
        return log;
    }

    /// <summary>Path of this stage's dataset artifact, <c>data/&lt;stage&gt;.jsonl</c>.</summary>
    public string DataPath => System.IO.Path.Combine(RunDirectory, "data", Name + ".jsonl");

    /// <summary>Path of this stage's evaluation report, <c>eval/&lt;stage&gt;.json</c>.</summary>
    public string EvalPath => System.IO.Path.Combine(RunDirectory, "eval", Name + ".json");

    /// <summary>Path of this stage's checkpoint folder, <c>checkpoints/&lt;stage&gt;/</c>.</summary>
    public string CheckpointDirectory => System.IO.Path.Combine(RunDirectory, "checkpoints", Name);

    /// <summary>A path setting resolved against the run folder when relative (artifacts of earlier stages); null when unset.</summary>
    public string? ResolvePath(string? value) => StagePaths.Resolve(value, RunDirectory);
}
