namespace Forge.Contracts.Sampling;

/// <summary>Generates completions from a language model.</summary>
public interface ISampler
{
    /// <summary>
    /// Completes every prompt <see cref="SamplingRequest.CompletionsPerPrompt"/> times; the result holds
    /// prompt 0's completions first, then prompt 1's, and so on.
    /// </summary>
    IReadOnlyList<Completion> Sample(SamplingRequest request, CancellationToken cancellationToken = default);
}
