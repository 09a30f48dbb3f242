using Forge.Contracts.Plugins;
using Forge.Contracts.Rewards;
using Forge.Core.Checkpoints;
using Forge.Core.Pipelines;
using Forge.Core.Rewards;

namespace Forge.Core.Stages;

/// <summary>
/// One training step under way (from <see cref="StageCheckpoints.BeginStep"/>): its plugin calls (sampler, optimizer,
/// distiller, rewards) are guarded so that a failure becomes one line naming the plugin, the stage and the step, with a
/// checkpoint of the boundary the step started from. Bad input (<see cref="ForgeDataException"/>,
/// <see cref="PluginInputException"/>, such as the non-finite stop) and cancellation pass through as they are.
/// </summary>
internal sealed class TrainingStep
{
    private readonly StageCheckpoints _checkpoints;
    private readonly string _stage;

    internal TrainingStep(StageCheckpoints checkpoints, string stage, int index, DataPosition data, (int Applied, int Skipped) updatesBefore)
    {
        _checkpoints = checkpoints;
        _stage = stage;
        Index = index;
        Data = data;
        UpdatesBefore = updatesBefore;
    }

    /// <summary>The step index (as in metrics.jsonl); also the steps completed before it.</summary>
    public int Index { get; }

    /// <summary>The data position the step started from.</summary>
    public DataPosition Data { get; }

    /// <summary>The training context's update counts when the step started.</summary>
    public (int Applied, int Skipped) UpdatesBefore { get; }

    /// <summary>Calls <paramref name="kind"/> plugin <paramref name="plugin"/>.</summary>
    public T Call<T>(string kind, string plugin, Func<T> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            return call();
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or ForgeDataException or PluginInputException or PluginFaultException))
        {
            throw _checkpoints.AfterFault(new PluginFaultException(kind, plugin, _stage, Index, ex), this);
        }
    }

    /// <summary>
    /// Scores <paramref name="batch"/> with <paramref name="rewards"/> (the step runs to its end: no cancellation); a
    /// <see cref="RewardFaultException"/> becomes the fault of that reward plugin at this step.
    /// </summary>
    public ScoredBatch Score(RewardComposer rewards, IReadOnlyList<RewardInput> batch)
    {
        ArgumentNullException.ThrowIfNull(rewards);
        try
        {
            return rewards.Score(batch, CancellationToken.None);
        }
        catch (RewardFaultException ex)
        {
            throw _checkpoints.AfterFault(ex.InStep(_stage, Index), this);
        }
    }
}
