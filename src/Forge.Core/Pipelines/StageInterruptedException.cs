namespace Forge.Core.Pipelines;

/// <summary>
/// A stage stopped because the run was asked to (Ctrl+C, SIGTERM): at a step boundary after writing a step
/// checkpoint, or, for work without step checkpoints, wherever the cancellation reached it.
/// </summary>
public sealed class StageInterruptedException : Exception
{
    /// <summary>Creates the exception; <paramref name="checkpoint"/> is null when nothing resumable was written.</summary>
    public StageInterruptedException(string stage, string? checkpoint, Exception? innerException = null)
        : base(checkpoint is null
            ? $"stage '{stage}' stopped without a step checkpoint and will run again from its start"
            : $"stage '{stage}' stopped; checkpoint: {checkpoint}", innerException)
    {
        Stage = stage;
        Checkpoint = checkpoint;
    }

    /// <summary>The interrupted stage.</summary>
    public string Stage { get; }

    /// <summary>The step checkpoint a resume will continue from, if any.</summary>
    public string? Checkpoint { get; }
}
