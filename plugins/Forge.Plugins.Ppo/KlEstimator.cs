namespace Forge.Plugins.Ppo;

/// <summary>Which per-token estimate of KL(policy ‖ reference) PPO subtracts from the reward (see <see cref="Forge.Contracts.Training.KlEstimators"/>).</summary>
public enum KlEstimator
{
    /// <summary>log π − log π_ref: unbiased, can be negative (TRL's default).</summary>
    K1,

    /// <summary>e^(log π_ref − log π) − (log π_ref − log π) − 1: unbiased, never negative, lower variance.</summary>
    K3,
}
