namespace Forge.Contracts.Models;

/// <summary>Turns text into token ids and back.</summary>
public interface ITokenizer
{
    /// <summary>Number of ids the tokenizer can produce, added tokens included.</summary>
    int VocabSize { get; }

    /// <summary>Token ids that end a completion (end-of-sequence, end-of-turn).</summary>
    IReadOnlyList<int> StopTokenIds { get; }

    /// <summary>The id used to pad batches.</summary>
    int PadTokenId { get; }

    /// <summary>Encodes text; special-token strings in the text map to their ids; nothing is added around it.</summary>
    IReadOnlyList<int> Encode(string text);

    /// <summary>Decodes ids to text; <paramref name="skipSpecialTokens"/> drops special tokens.</summary>
    string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false);
}
