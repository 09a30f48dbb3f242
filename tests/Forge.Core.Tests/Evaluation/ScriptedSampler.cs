using Forge.Contracts.Models;
using Forge.Contracts.Sampling;

namespace Forge.Core.Tests.Evaluation;

/// <summary>
/// Returns fixed completions: the next prompts' groups from <c>script</c>, in the order the prompts are asked for
/// (one group of k texts per prompt), whatever the model.
/// </summary>
internal sealed class ScriptedSampler(IReadOnlyList<IReadOnlyList<string>> script) : ISampler
{
    private int _next;

    public IReadOnlyList<Completion> Sample(SamplingRequest request, CancellationToken cancellationToken = default)
    {
        var completions = new List<Completion>();
        for (int p = 0; p < request.Prompts.Count; p++)
        {
            var group = script[_next++];
            group.Should().HaveCount(request.CompletionsPerPrompt, "the script holds k completions per prompt");
            foreach (string text in group)
                completions.Add(new Completion(p, new int[text.Length], new float[text.Length], text, Truncated: false));
        }
        return completions;
    }

    /// <summary>A tokenizer the scripted sampler never needs: every prompt encodes to no tokens.</summary>
    public sealed class NoTokenizer : ITokenizer
    {
        public int VocabSize => 1;
        public IReadOnlyList<int> StopTokenIds => [];
        public int PadTokenId => 0;
        public IReadOnlyList<int> Encode(string text) => [];
        public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false) => "";
    }
}
