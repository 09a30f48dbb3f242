using static TorchSharp.torch;

namespace Forge.Contracts.Training;

/// <summary>A scored generation batch handed to a policy optimizer: G completions per prompt, grouped.</summary>
/// <param name="Tokens">Prompt + completion tokens.</param>
/// <param name="OldLogProbs">[batch, completion length] log-probs at sampling time.</param>
/// <param name="Rewards">[batch] float64 total reward of each completion (0 where <see cref="Scored"/> is false).</param>
/// <param name="Truncated">[batch] bool, true where the completion hit the length limit.</param>
/// <param name="GroupSize">G: consecutive rows share a prompt.</param>
public sealed record Rollout(TokenBatch Tokens, Tensor OldLogProbs, Tensor Rewards, Tensor Truncated, int GroupSize)
{
    /// <summary>
    /// [batch] bool, true where at least one reward scored the completion; false where every reward returned "no score"
    /// (failed, timed out or could not judge), so that its 0 in <see cref="Rewards"/> is not a score. Null means every
    /// row was scored. An optimizer should leave unscored rows out of its baselines and give them no advantage (as TRL
    /// does with NaN rewards).
    /// </summary>
    public Tensor? Scored { get; init; }

    /// <summary>
    /// The configured completion-length limit (the sampler's <c>MaxNewTokens</c>), a constant of the run — Dr. GRPO's
    /// normaliser. 0 when unknown; then the batch's widest completion is the best stand-in.
    /// </summary>
    public int MaxCompletionLength { get; init; }

    /// <summary><see cref="Scored"/>, or all-true when it is null.</summary>
    public Tensor ScoredMask() => Scored ?? ones(Rewards.shape[0], ScalarType.Bool, Rewards.device);
}
