using Forge.Core.Checkpoints;
using Forge.Core.Data;
using Forge.Core.Metrics;

namespace Forge.Core.Pipelines;

/// <summary>
/// What <c>forge run --resume</c> continues: the run folder's <c>summary.json</c> names the pipeline, the seed and the
/// stages that finished; those are kept, and the first unfinished stage resumes from its newest step checkpoint.
/// </summary>
/// <param name="Pipeline">The pipeline the folder was run with.</param>
/// <param name="Seed">The run's seed.</param>
/// <param name="Finished">The stages that finished, in order, with their summary entries.</param>
public sealed record RunResume(string Pipeline, int Seed, IReadOnlyList<StageSummary> Finished)
{
    /// <summary>The run in <paramref name="runDirectory"/>, or null when it has no summary.json (nothing to resume).</summary>
    public static RunResume? Read(string runDirectory) =>
        RunSummary.Read(runDirectory) is { } summary ? new RunResume(summary.Pipeline, summary.Seed, summary.Stages) : null;

    /// <summary>Refuses to continue this run as another pipeline than the one it ran.</summary>
    public void RequirePipeline(string pipeline, string runDirectory)
    {
        if (Pipeline != pipeline)
            throw new ForgeDataException($"{Path.Combine(runDirectory, "summary.json")}: the run folder holds pipeline '{Pipeline}', not '{pipeline}'");
    }

    /// <summary>
    /// The summary entry of stage number <paramref name="index"/> when it finished before, else null; refuses a
    /// pipeline whose stages no longer match the ones that ran.
    /// </summary>
    public StageSummary? FinishedStage(int index, string name, string kind, string runDirectory)
    {
        if (index >= Finished.Count) return null;
        var finished = Finished[index];
        if (finished.Name != name || finished.Kind != kind)
            throw new ForgeDataException($"{Path.Combine(runDirectory, "summary.json")}: stage {index} ran as '{finished.Name}' ({finished.Kind}) but the pipeline now has '{name}' ({kind}); resume needs the same stages");
        return finished;
    }

    /// <summary>
    /// Cuts <c>metrics.jsonl</c> back for the stage about to resume: to its newest step checkpoint's length, or, when
    /// it has none and runs again from its start, to the lines of the finished stages.
    /// </summary>
    public void Rewind(StageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (TrainingCheckpoint.Latest(context.CheckpointDirectory) is { } latest)
            MetricsRewind.ToLength(context.RunDirectory, latest.Progress.MetricsBytes);
        else
            MetricsRewind.AfterStages(context.RunDirectory, Finished.Select(s => s.Name).ToHashSet(StringComparer.Ordinal));
    }
}
