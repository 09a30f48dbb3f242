namespace Forge.Core.Pipelines;

/// <summary>
/// A plugin (sampler, optimizer, distiller) threw during a training step. The message is one line naming the plugin,
/// the stage, the step and the plugin's own message; the plugin's exception, with its stack trace, is the inner one.
/// </summary>
public sealed class PluginFaultException : Exception
{
    /// <summary>Creates the exception for <paramref name="kind"/> plugin <paramref name="plugin"/>.</summary>
    public PluginFaultException(string kind, string plugin, string stage, int step, Exception innerException)
        : this(kind, plugin, stage, step, null, innerException)
    {
    }

    private PluginFaultException(string kind, string plugin, string stage, int step, string? checkpoint, Exception innerException)
        : base(Describe(kind, plugin, stage, step, checkpoint, innerException), innerException)
    {
        Kind = kind;
        Plugin = plugin;
        Stage = stage;
        Step = step;
        Checkpoint = checkpoint;
    }

    /// <summary>The plugin's kind: sampler, optimizer, distiller.</summary>
    public string Kind { get; }

    /// <summary>The plugin's name.</summary>
    public string Plugin { get; }

    /// <summary>The stage it failed in.</summary>
    public string Stage { get; }

    /// <summary>The step index it failed on (as in metrics.jsonl).</summary>
    public int Step { get; }

    /// <summary>The step checkpoint a resume continues from, when there is one.</summary>
    public string? Checkpoint { get; }

    /// <summary>The same fault, now pointing at the checkpoint of the last complete step.</summary>
    public PluginFaultException WithCheckpoint(string? checkpoint) =>
        new(Kind, Plugin, Stage, Step, checkpoint, InnerException!);

    private static string Describe(string kind, string plugin, string stage, int step, string? checkpoint, Exception inner)
    {
        string message = $"{kind} plugin '{plugin}' failed in stage '{stage}' at step {step}: {inner.GetType().Name}: {inner.Message.ReplaceLineEndings(" ")}";
        return checkpoint is null ? message + "; no step checkpoint to resume from" : message + $"; last complete step checkpoint: {checkpoint}";
    }
}
