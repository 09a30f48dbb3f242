using System.Globalization;
using Forge.Core.Checkpoints;
using Forge.Core.Metrics;
using Forge.Core.Pipelines;
using Forge.Core.Training;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Forge.Core.Stages;

/// <summary>
/// The step checkpoints of one training stage (<c>CheckpointEvery</c> steps, default 0 = none but at a stop;
/// <c>KeepCheckpoints</c> newest kept, default 2): resuming from the newest one, writing them on schedule, at the end,
/// when the run is asked to stop, and after a plugin fault when the last complete step is still in memory.
/// Created before the model (which a resume loads from the checkpoint), then <see cref="Attach"/>ed to it.
/// </summary>
internal sealed class StageCheckpoints
{
    private readonly StageContext _context;
    private readonly ILogger _logger;
    private (int Step, string Directory)? _lastWritten;
    private StageModel? _model;
    private TrainingContext? _training;
    private MetricsLog? _metrics;

    public StageCheckpoints(StageContext context, ILogger logger)
    {
        _context = context;
        _logger = logger;
        var options = context.Options<TrainingStageOptions>();
        Every = options.CheckpointEvery;
        Keep = options.KeepCheckpoints;
        if (context.Resume && TrainingCheckpoint.Latest(context.CheckpointDirectory) is { } latest)
        {
            if (latest.Progress.Seed != context.Seed)
                throw new ForgeDataException($"{Path.Combine(latest.Directory, TrainingCheckpoint.ProgressFile)}: written with seed {latest.Progress.Seed}, the run now has seed {context.Seed}");
            Resumed = latest;
            _lastWritten = (latest.Progress.Step, latest.Directory);
        }
        else if (context.IsMain && Directory.Exists(context.CheckpointDirectory))
        {
            // A stage starting over must not leave an earlier attempt's steps for a later --resume to pick up.
            CheckpointRotation.RemoveAll(context.CheckpointDirectory);
        }
    }

    /// <summary>Steps between checkpoints; 0 writes none except at a stop.</summary>
    public int Every { get; }

    /// <summary>Complete step checkpoints kept.</summary>
    public int Keep { get; }

    /// <summary>The checkpoint this stage resumes from (its model is loaded in place of the configured one), or null.</summary>
    public (string Directory, StageProgress Progress)? Resumed { get; }

    /// <summary>The first step index to run: 0, or the resumed checkpoint's completed steps.</summary>
    public int FirstStep => Resumed?.Progress.Step ?? 0;

    /// <summary>The data position to continue from.</summary>
    public DataPosition Data => Resumed?.Progress.Data ?? new DataPosition(0, 0);

    /// <summary>
    /// Binds the stage's model, training context and metrics log, restoring the resumed checkpoint's optimizer and
    /// trainer state into <paramref name="training"/>.
    /// </summary>
    public void Attach(StageModel model, TrainingContext training, MetricsLog metrics)
    {
        _model = model;
        _training = training;
        _metrics = metrics;
        if (Resumed is not { } resumed) return;
        training.RestoreState(Path.Combine(resumed.Directory, TrainingCheckpoint.StateFile));
        _logger.LogInformation("{Stage} resumed from {Checkpoint} (step {Step})", _context.Name, resumed.Directory, resumed.Progress.Step);
    }

    /// <summary>
    /// A step boundary: when the run was asked to stop, writes a checkpoint and ends the stage; otherwise reseeds
    /// torch's generator for step <paramref name="index"/> and returns the step, whose plugin calls fall back to this
    /// boundary on a fault.
    /// </summary>
    public TrainingStep BeginStep(int index, DataPosition data)
    {
        if (StopRequested())
            throw new StageInterruptedException(_context.Name, Write(index, data));
        StepSeeds.Reseed(_context.Seed, index);
        return new TrainingStep(this, _context.Name, index, data, Updates());
    }

    /// <summary>Writes a checkpoint after <paramref name="completedSteps"/> steps when the schedule says so.</summary>
    public void AfterStep(int completedSteps, DataPosition data)
    {
        if (Every > 0 && completedSteps % Every == 0) Write(completedSteps, data);
    }

    /// <summary>After the last step: a stop checkpoint when asked to stop, else the final one when checkpoints are scheduled.</summary>
    public void AtEnd(int completedSteps, DataPosition data)
    {
        if (StopRequested())
            throw new StageInterruptedException(_context.Name, Write(completedSteps, data));
        if (Every > 0) Write(completedSteps, data);
    }

    /// <summary>The updates applied and skipped so far: equal before and after a failed call means nothing changed.</summary>
    internal (int Applied, int Skipped) Updates() => (Training.StepNumber, Training.SkippedUpdates);

    /// <summary>
    /// After a plugin threw during <paramref name="step"/>: when the step had not yet changed the model or the
    /// optimizer, the state in memory is the last complete step and is checkpointed; otherwise the newest checkpoint
    /// on disk is the last good one. Returns the fault naming that checkpoint.
    /// </summary>
    internal PluginFaultException AfterFault(PluginFaultException fault, TrainingStep step)
    {
        string? checkpoint;
        try
        {
            // With several ranks the others wait in a collective this rank will never join: no collective (and so no
            // write of the in-memory state) is possible any more, and the newest checkpoint on disk is the last good one.
            checkpoint = Updates() == step.UpdatesBefore && _context.Communicator.WorldSize == 1 ? Write(step.Index, step.Data) : _lastWritten?.Directory;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ForgeDataException)
        {
            _logger.LogError("{Stage}: could not write a checkpoint after the fault: {Message}", _context.Name, ex.Message);
            checkpoint = _lastWritten?.Directory;
        }
        return fault.WithCheckpoint(checkpoint);
    }

    /// <summary>Whether the run was asked to stop — on any rank, so that all ranks stop at the same boundary.</summary>
    private bool StopRequested()
    {
        bool local = _context.CancellationToken.IsCancellationRequested;
        if (_context.Communicator.WorldSize == 1) return local;
        return Distributed.CommunicatorExtensions.AllReduceValues(_context.Communicator, [local ? 1 : 0], Distributed.ReduceOp.Max)[0] > 0;
    }

    private TrainingContext Training => _training ?? throw new InvalidOperationException("StageCheckpoints.Attach was not called");

    private string Write(int completedSteps, DataPosition data)
    {
        if (_lastWritten is { } last && last.Step == completedSteps) return last.Directory;
        Training.GatherState();
        if (!_context.IsMain)
        {
            // Rank 0 alone writes the run folder; every rank holds the same weights and (gathered) state.
            _lastWritten = (completedSteps, _context.CheckpointDirectory);
            _context.Communicator.Barrier(); // waits at a barrier, not in the next step's collectives (the watchdog does not time it)
            return _context.CheckpointDirectory;
        }
        var progress = new StageProgress(_context.Name, completedSteps, _context.Seed, data, _metrics!.Length, Training.NextLearningRate);
        var (directory, bytes, elapsed) = TrainingCheckpoint.Write(_context.CheckpointDirectory, progress, folder =>
        {
            _model!.Save(folder);
            Training.SaveState(Path.Combine(folder, TrainingCheckpoint.StateFile));
        }, Keep);
        _lastWritten = (completedSteps, directory);
        _context.Communicator.Barrier();
        _logger.LogInformation("{Stage} checkpoint {Directory} ({Megabytes} MB in {Seconds} s)", _context.Name, directory,
            (bytes / 1e6).ToString("0.##", CultureInfo.InvariantCulture), elapsed.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture));
        return directory;
    }
}
