namespace Forge.Contracts.Plugins;

/// <summary>The role a plugin plays in a pipeline; each kind resolves to one contract interface.</summary>
public enum PluginKind
{
    /// <summary>An <see cref="Rewards.IRewardModel"/>: scores completions.</summary>
    Reward,
    /// <summary>An <see cref="Training.IPolicyOptimizer"/>: turns scored rollouts into a policy update (GRPO, PPO).</summary>
    Optimizer,
    /// <summary>An <see cref="Sampling.ISampler"/>: generates completions from a language model.</summary>
    Sampler,
    /// <summary>An <see cref="Training.IDistiller"/>: trains a student from traces or a teacher.</summary>
    Distiller,
    /// <summary>An <see cref="Data.IPromptSource"/>: yields prompt rows (tasks, datasets).</summary>
    PromptSource,
}
