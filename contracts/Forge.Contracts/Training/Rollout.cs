using static TorchSharp.torch;

namespace Forge.Contracts.Training;

/// <summary>A scored generation batch handed to a policy optimizer: G completions per prompt, grouped.</summary>
/// <param name="Tokens">Prompt + completion tokens.</param>
/// <param name="OldLogProbs">[batch, completion length] log-probs at sampling time.</param>
/// <param name="Rewards">[batch] float64 total reward of each completion.</param>
/// <param name="Truncated">[batch] bool, true where the completion hit the length limit.</param>
/// <param name="GroupSize">G: consecutive rows share a prompt.</param>
public sealed record Rollout(TokenBatch Tokens, Tensor OldLogProbs, Tensor Rewards, Tensor Truncated, int GroupSize);
