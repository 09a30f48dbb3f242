using Forge.Core.Evaluation;

namespace Forge.Core.Pipelines;

/// <summary>
/// What a progress display hears about a run: stages starting and finishing, their step counts and every metrics
/// record. Called on the training thread, so implementations must be quick.
/// </summary>
public interface IRunProgress
{
    /// <summary>Stage <paramref name="index"/> (from 1) of <paramref name="count"/> starts.</summary>
    void StageStarted(string stage, string kind, int index, int count);

    /// <summary>The stage will record <paramref name="total"/> steps (once known).</summary>
    void StageSteps(string stage, int total);

    /// <summary>A metrics record of the stage (see <see cref="Metrics.MetricsLog"/>).</summary>
    void StepRecorded(string stage, int step, IReadOnlyDictionary<string, double> metrics);

    /// <summary>The stage finished after <paramref name="seconds"/>, with its held-out evaluation if any.</summary>
    void StageFinished(string stage, double seconds, EvalResult? eval);
}

/// <summary>No display: library callers and tests that do not watch.</summary>
public sealed class NoRunProgress : IRunProgress
{
    /// <summary>The shared instance.</summary>
    public static NoRunProgress Instance { get; } = new();

    /// <inheritdoc />
    public void StageStarted(string stage, string kind, int index, int count) { }

    /// <inheritdoc />
    public void StageSteps(string stage, int total) { }

    /// <inheritdoc />
    public void StepRecorded(string stage, int step, IReadOnlyDictionary<string, double> metrics) { }

    /// <inheritdoc />
    public void StageFinished(string stage, double seconds, EvalResult? eval) { }
}
