namespace Forge.Contracts.Training;

/// <summary>A policy-gradient algorithm (GRPO, PPO, RLOO, …): turns one scored rollout into policy updates.</summary>
public interface IPolicyOptimizer
{
    /// <summary>
    /// Computes advantages and losses for <paramref name="rollout"/> and updates the policy through
    /// <see cref="ITrainingContext.Backward"/> and <see cref="ITrainingContext.OptimizerStep"/>; returns the step's
    /// metrics (e.g. <c>loss</c>, <c>kl</c>, <c>clip_fraction</c>). The <c>rl</c> stage writes them, key for key, into
    /// the step's line of the run's <c>metrics.jsonl</c> beside its own keys (<c>reward/…</c>, <c>completion/…</c>,
    /// <c>groups</c>, <c>time/…</c>), which win on a clash. <see cref="TrainingContextExtensions"/>,
    /// <see cref="KlEstimators"/> and <see cref="OptimizerStepTotals"/> hold what every optimizer needs besides.
    /// Throw <see cref="Plugins.PluginInputException"/> for a rollout the algorithm cannot use (e.g. groups too small).
    /// </summary>
    IReadOnlyDictionary<string, double> Step(Rollout rollout, ITrainingContext context, CancellationToken cancellationToken = default);
}
