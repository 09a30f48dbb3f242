using Forge.Contracts.Sampling;

namespace Forge.Testing;

/// <summary>
/// An <see cref="ISampler"/> that returns scripted completions instead of decoding: each prompt's completions are taken
/// in turn from <paramref name="script"/> (token ids; cycled when a request asks for more), their text decoded with the
/// request's tokenizer, log-probs 0. Records every request, so a test can check what a stage or plugin asked for.
/// </summary>
public sealed class ScriptedSampler(IReadOnlyList<IReadOnlyList<int>> script) : ISampler
{
    private readonly List<SamplingRequest> _requests = [];
    private int _next;

    /// <summary>The requests seen so far, in order.</summary>
    public IReadOnlyList<SamplingRequest> Requests => _requests;

    /// <inheritdoc />
    public IReadOnlyList<Completion> Sample(SamplingRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (script.Count == 0) throw new InvalidOperationException("the sampler has no scripted completions");
        _requests.Add(request);
        var completions = new List<Completion>();
        for (int prompt = 0; prompt < request.Prompts.Count; prompt++)
            for (int k = 0; k < request.CompletionsPerPrompt; k++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var ids = script[_next++ % script.Count];
                completions.Add(new Completion(prompt, ids, ids.Select(_ => 0f).ToList(), request.Tokenizer.Decode(ids, skipSpecialTokens: true),
                    Truncated: false));
            }
        return completions;
    }
}
