using Forge.Core.Checkpoints;

namespace Forge.Core.Pipelines;

/// <summary>
/// The stages of a run that start over — all of a new run's; a resumed run's after the one it resumes — clear their
/// step-checkpoint folder when they begin. A complete step checkpoint already there was not written by this run (a
/// resume keeps those of the stage it continues), so the run is refused instead, before anything in its folder
/// changes (<c>forge run</c> checks it right after taking the folder).
/// </summary>
public static class StartingOver
{
    /// <summary>Refuses, naming the folder, when a stage that will start over holds a complete step checkpoint.</summary>
    public static void Check(PipelinePlan plan, string runDirectory, RunResume? resume)
    {
        ArgumentNullException.ThrowIfNull(plan);
        int resumed = resume?.Finished.Count ?? -1;
        foreach (var stage in plan.Stages.Skip(resumed + 1))
        {
            string directory = Path.Combine(runDirectory, "checkpoints", stage.Name);
            if (CheckpointRotation.Complete(directory) is [.., var newest])
                throw new ForgeDataException($"{newest.Directory}: a step checkpoint this run did not write; stage '{stage.Name}' starts over here and would delete it (move {directory} away first)");
        }
    }
}
