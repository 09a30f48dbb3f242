namespace Forge.Contracts.Sampling;

/// <summary>One generated completion.</summary>
/// <param name="PromptIndex">Index of its prompt in the request.</param>
/// <param name="TokenIds">Generated ids, stop token included when one ended it.</param>
/// <param name="LogProbs">Log-probability of each generated id under the sampling distribution.</param>
/// <param name="Text">Decoded text of <paramref name="TokenIds"/>, special tokens skipped.</param>
/// <param name="Truncated">True when it hit <see cref="GenerationSettings.MaxNewTokens"/> without a stop.</param>
public sealed record Completion(int PromptIndex, IReadOnlyList<int> TokenIds, IReadOnlyList<float> LogProbs, string Text, bool Truncated);
