namespace Forge.Contracts.Training;

/// <summary>
/// Collects the <see cref="OptimizerStepResult"/>s of one <see cref="IPolicyOptimizer.Step"/> or
/// <see cref="IDistiller.Step"/> into the metrics every training plugin reports under the same names:
/// <c>grad_norm</c> (mean over the updates), <c>learning_rate</c> (of the last update) and <c>skipped_updates</c>.
/// </summary>
public sealed class OptimizerStepTotals
{
    private double _gradNorm;

    /// <summary>Updates attempted.</summary>
    public int Updates { get; private set; }

    /// <summary>Updates skipped because the loss or gradients were not finite.</summary>
    public int Skipped { get; private set; }

    /// <summary>Learning rate of the last update; 0 before any.</summary>
    public double LearningRate { get; private set; }

    /// <summary>Mean gradient norm (before clipping) over the updates; 0 before any.</summary>
    public double GradNorm => Updates > 0 ? _gradNorm / Updates : 0;

    /// <summary>Counts one update.</summary>
    public void Add(OptimizerStepResult step)
    {
        ArgumentNullException.ThrowIfNull(step);
        Updates++;
        if (!step.Applied) Skipped++;
        _gradNorm += step.GradNorm;
        LearningRate = step.LearningRate;
    }

    /// <summary>Writes <c>grad_norm</c>, <c>learning_rate</c> and <c>skipped_updates</c> into <paramref name="metrics"/>.</summary>
    public void WriteTo(IDictionary<string, double> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        metrics["grad_norm"] = GradNorm;
        metrics["learning_rate"] = LearningRate;
        metrics["skipped_updates"] = Skipped;
    }
}
