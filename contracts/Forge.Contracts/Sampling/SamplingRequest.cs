using Forge.Contracts.Models;

namespace Forge.Contracts.Sampling;

/// <summary>A batch of prompts to complete.</summary>
/// <param name="Model">The model to sample from.</param>
/// <param name="Tokenizer">Decodes completions and supplies stop tokens.</param>
/// <param name="Prompts">Token ids of each prompt (template already applied); lengths may differ.</param>
/// <param name="CompletionsPerPrompt">G: completions per prompt, returned grouped by prompt.</param>
/// <param name="Settings">Decoding settings.</param>
/// <param name="Seed">Seed of the sampling generator; the same seed gives the same completions.</param>
public sealed record SamplingRequest(
    ILanguageModel Model,
    ITokenizer Tokenizer,
    IReadOnlyList<IReadOnlyList<int>> Prompts,
    int CompletionsPerPrompt,
    GenerationSettings Settings,
    long Seed);
