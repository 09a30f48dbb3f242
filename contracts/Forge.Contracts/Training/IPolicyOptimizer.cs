namespace Forge.Contracts.Training;

/// <summary>A policy-gradient algorithm (GRPO, PPO, RLOO, …): turns one scored rollout into policy updates.</summary>
public interface IPolicyOptimizer
{
    /// <summary>
    /// Computes advantages and losses for <paramref name="rollout"/> and updates the policy through
    /// <see cref="ITrainingContext.Backward"/> and <see cref="ITrainingContext.OptimizerStep"/>; returns the step's
    /// metrics (e.g. <c>kl</c>, <c>clip_fraction</c>).
    /// </summary>
    IReadOnlyDictionary<string, double> Step(Rollout rollout, ITrainingContext context, CancellationToken cancellationToken = default);
}
