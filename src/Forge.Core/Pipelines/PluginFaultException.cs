namespace Forge.Core.Pipelines;

/// <summary>
/// A plugin (sampler, optimizer, distiller, reward) threw during a training step. The message is one line naming the
/// plugin, the stage, the step (and the row, for a reward) and the plugin's own message; the plugin's exception, with
/// its stack trace, is the inner one.
/// </summary>
public sealed class PluginFaultException : Exception
{
    /// <summary>Creates the exception for <paramref name="kind"/> plugin <paramref name="plugin"/>.</summary>
    /// <param name="kind">The plugin's kind: sampler, optimizer, distiller, reward.</param>
    /// <param name="plugin">The plugin's name.</param>
    /// <param name="stage">The stage it failed in.</param>
    /// <param name="step">The step index it failed on.</param>
    /// <param name="innerException">The plugin's own exception.</param>
    /// <param name="row">The input it failed on (<c>row 3 (id)</c>), when it is known.</param>
    public PluginFaultException(string kind, string plugin, string stage, int step, Exception innerException, string? row = null)
        : this(kind, plugin, stage, step, row, null, innerException)
    {
    }

    private PluginFaultException(string kind, string plugin, string stage, int step, string? row, string? checkpoint, Exception innerException)
        : base(Describe(kind, plugin, stage, step, row, checkpoint, innerException), innerException)
    {
        Kind = kind;
        Plugin = plugin;
        Stage = stage;
        Step = step;
        Row = row;
        Checkpoint = checkpoint;
    }

    /// <summary>The plugin's kind: sampler, optimizer, distiller, reward.</summary>
    public string Kind { get; }

    /// <summary>The plugin's name.</summary>
    public string Plugin { get; }

    /// <summary>The stage it failed in.</summary>
    public string Stage { get; }

    /// <summary>The step index it failed on (as in metrics.jsonl).</summary>
    public int Step { get; }

    /// <summary>The input it failed on (<c>row 3 (id)</c>), or null when not known.</summary>
    public string? Row { get; }

    /// <summary>The step checkpoint a resume continues from, when there is one.</summary>
    public string? Checkpoint { get; }

    /// <summary>The same fault, now pointing at the checkpoint of the last complete step.</summary>
    public PluginFaultException WithCheckpoint(string? checkpoint) =>
        new(Kind, Plugin, Stage, Step, Row, checkpoint, InnerException!);

    private static string Describe(string kind, string plugin, string stage, int step, string? row, string? checkpoint, Exception inner)
    {
        string on = row is null ? "" : " on " + row;
        string message = $"{kind} plugin '{plugin}' failed in stage '{stage}' at step {step}{on}: {inner.GetType().Name}: {inner.Message.ReplaceLineEndings(" ")}";
        return checkpoint is null ? message + "; no step checkpoint to resume from" : message + $"; last complete step checkpoint: {checkpoint}";
    }
}
