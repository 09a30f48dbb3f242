using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Forge.Core.Pipelines;

/// <summary>
/// Runs a pipeline from configuration (<c>Pipelines:&lt;name&gt;:Stages</c>): each stage in order, handing artifacts on
/// through the run folder, and rewriting <c>summary.json</c> after every stage so that a crash keeps what finished.
/// In a data-parallel run (an <see cref="Distributed.ICommunicator"/> of several ranks) every rank
/// runs every stage, only rank 0 writes the run folder, and the ranks meet after each stage so that the next one reads
/// what rank 0 wrote.
/// </summary>
public sealed class PipelineRunner(IConfiguration configuration, IServiceProvider services, IEnumerable<StageKind> kinds, ILogger<PipelineRunner> logger)
{
    /// <summary>Names of the pipelines defined in configuration.</summary>
    public IReadOnlyList<string> Pipelines => configuration.GetSection("Pipelines").GetChildren().Select(c => c.Key).ToList();

    /// <summary>
    /// Runs <paramref name="pipeline"/> into <paramref name="runDirectory"/>; with <paramref name="resume"/>, keeps the
    /// stages that finished and resumes the first unfinished one from its newest step checkpoint.
    /// </summary>
    public RunSummary Run(string pipeline, string runDirectory, int seed, CancellationToken cancellationToken, RunResume? resume = null,
        IRunProgress? progress = null, Distributed.ICommunicator? communicator = null)
    {
        progress ??= NoRunProgress.Instance;
        communicator ??= Distributed.SingleProcessCommunicator.Instance;
        bool main = communicator.Rank == 0;
        var plan = Plan(pipeline, runDirectory);
        resume?.RequirePipeline(pipeline, runDirectory);
        communicator.Barrier(); // rank 0 has prepared the run folder

        Directory.CreateDirectory(Path.Combine(runDirectory, "data"));
        Directory.CreateDirectory(Path.Combine(runDirectory, "checkpoints"));
        var done = new List<StageSummary>();
        // Written before the first stage so that an interrupted run's folder already names its pipeline and seed.
        if (resume is null && main) new RunSummary(pipeline, seed, done).Write(runDirectory);
        foreach (var stage in plan.Stages)
        {
            string name = stage.Name, kind = stage.Kind;
            var implementation = services.GetRequiredKeyedService<IStage>(kind);
            if (resume?.FinishedStage(done.Count, name, kind, runDirectory) is { } finished)
            {
                done.Add(finished);
                logger.LogInformation("stage {Stage} ({Kind}) finished in the interrupted run; kept", name, kind);
                continue;
            }
            var context = new StageContext(stage, runDirectory, seed, cancellationToken)
            {
                Eval = plan.EvalOf(stage),
                EvalKey = stage.Options.Eval is null ? $"{plan.Section.Path}:Eval" : $"{stage.Section.Path}:Eval",
                Resume = resume is not null && done.Count == resume.Finished.Count,
                Progress = progress,
                Communicator = communicator,
            };
            if (cancellationToken.IsCancellationRequested) throw new StageInterruptedException(name, null);
            if (context.Resume && main) resume!.Rewind(context);
            logger.Log(ProgressLogLevel.Of(progress), "stage {Stage} ({Kind}) {Action}", name, kind, context.Resume ? "resuming" : "starting");
            progress.StageStarted(name, kind, done.Count + 1, plan.Stages.Count);
            var clock = Stopwatch.StartNew();
            StageResult result;
            try
            {
                // A stage that does not train data parallel (rejection sampling, eval, score) is rank 0's alone.
                result = main || implementation is IDataParallelStage ? implementation.Run(context) : new StageResult(new Dictionary<string, double>(), null);
            }
            catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested)
            {
                throw new StageInterruptedException(name, Checkpoints.TrainingCheckpoint.Latest(context.CheckpointDirectory)?.Directory, ex);
            }
            done.Add(new StageSummary(name, kind, Math.Round(clock.Elapsed.TotalSeconds, 3), result.Metrics, result.Eval));
            var summary = new RunSummary(pipeline, seed, done);
            if (main)
            {
                summary.Write(runDirectory);
                WriteReport(runDirectory, summary);
            }
            communicator.Barrier(); // the stage's artifacts are written before any rank starts the next stage
            progress.StageFinished(name, clock.Elapsed.TotalSeconds, result.Eval);
            logger.Log(ProgressLogLevel.Of(progress), "stage {Stage} ({Kind}) done in {Seconds:0.0} s", name, kind, clock.Elapsed.TotalSeconds);
        }
        return new RunSummary(pipeline, seed, done);
    }

    /// <summary>
    /// Binds and checks the whole of <paramref name="pipeline"/> — every stage's keys, values, plugins, devices and
    /// paths — so that a mistake in the last stage is reported before the first one trains.
    /// </summary>
    public PipelinePlan Plan(string pipeline, string runDirectory)
    {
        var section = configuration.GetSection($"Pipelines:{pipeline}");
        if (!section.Exists())
            throw new ForgeDataException($"unknown pipeline '{pipeline}'; {Configuration.KeySuggestion.For(pipeline, Pipelines, "available")}");
        var plan = PipelinePlan.Bind(pipeline, section, kinds);
        PipelineChecks.Check(plan, services.GetRequiredService<Plugins.IPluginResolver>(), runDirectory);
        return plan;
    }

    /// <summary>The report is a view of files already written: failing to draw it must not fail the run.</summary>
    private void WriteReport(string runDirectory, RunSummary summary)
    {
        try
        {
            Reports.RunReport.Write(runDirectory, summary);
        }
        catch (Exception ex) when (ex is ForgeDataException or IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("report.html not written: {Reason}", ex.Message);
        }
    }
}
