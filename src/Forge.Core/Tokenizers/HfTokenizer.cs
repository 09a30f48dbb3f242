using Forge.Contracts.Models;

namespace Forge.Core.Tokenizers;

/// <summary>
/// A tokenizer read from a Hugging Face tokenizer.json: its ids, special ids and stop/pad/bos come from the file's
/// <see cref="TokenTable"/>; encoding and decoding are the model family's own.
/// </summary>
public abstract class HfTokenizer : ITokenizer
{
    private protected HfTokenizer(TokenTable table) => Table = table;

    private protected TokenTable Table { get; }

    /// <inheritdoc />
    public int VocabSize => Table.Count;

    /// <inheritdoc />
    public IReadOnlyList<int> StopTokenIds => Table.Specials.Stops;

    /// <inheritdoc />
    public int PadTokenId => Table.Specials.Pad;

    /// <summary>The beginning-of-sequence id tokenizer_config.json names (such as &lt;s&gt;), if any; <see cref="Encode"/> never adds it.</summary>
    public int? BosTokenId => Table.Specials.Bos;

    /// <inheritdoc />
    public abstract IReadOnlyList<int> Encode(string text);

    /// <inheritdoc />
    public abstract string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false);
}
