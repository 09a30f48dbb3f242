using Forge.Contracts.Data;

namespace Forge.Contracts.Rewards;

/// <summary>What a reward sees of one completion: text and dataset columns, never tensors.</summary>
/// <param name="Row">The prompt row, with its dataset columns.</param>
/// <param name="Completion">The generated text (without the prompt).</param>
/// <param name="CompletionTokens">Length of the completion in tokens; 0 when unknown.</param>
/// <param name="Truncated">True when generation stopped at the length limit rather than at a stop token.</param>
public sealed record RewardInput(PromptRow Row, string Completion, int CompletionTokens = 0, bool Truncated = false);
