using Forge.Contracts.Models;

namespace Forge.Bench;

/// <summary>No stop tokens, so every sequence runs to full length, as the peers do (eos_token_id=None).</summary>
internal sealed class BenchTokenizer(int vocab) : ITokenizer
{
    public int VocabSize => vocab;
    public IReadOnlyList<int> StopTokenIds => [];
    public int PadTokenId => 0;
    public IReadOnlyList<int> Encode(string text) => throw new NotSupportedException("benchmarks use token ids");
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false) => "";
}
