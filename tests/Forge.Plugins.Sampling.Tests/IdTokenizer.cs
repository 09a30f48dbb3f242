using Forge.Contracts.Models;

namespace Forge.Plugins.Sampling.Tests;

/// <summary>A test tokenizer whose text is the ids themselves, so completions can be checked token by token.</summary>
internal sealed class IdTokenizer(int vocab, params int[] stops) : ITokenizer
{
    public int VocabSize => vocab;

    public IReadOnlyList<int> StopTokenIds => stops;

    public int PadTokenId => 0;

    public IReadOnlyList<int> Encode(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList();

    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false) =>
        string.Join(" ", ids.Where(id => !skipSpecialTokens || !stops.Contains(id)));
}
