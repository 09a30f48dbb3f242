using System.Text.Json;

namespace Forge.Core.Tokenizers;

/// <summary>
/// A Hugging Face tokenizer.json of SentencePiece-style BPE (Llama 1/2, Mistral v0.1–v0.3, Mixtral, and their fine-tunes):
/// added tokens cut out first; each remaining segment normalized (legacy files: '▁' prepended and spaces spelt '▁')
/// and pre-tokenized (newer files: <see cref="MetaspaceSplitter"/>); words merged by <see cref="SentencePieceBpe"/>
/// with byte fallback; ids decoded through the file's decoder section (<see cref="TokenDecoder"/>). Ids are Hugging
/// Face's. <see cref="Encode"/> adds no bos; chat templates write it as text.
/// </summary>
public sealed class SentencePieceBpeTokenizer : HfTokenizer
{
    private readonly SentencePieceBpe _model;
    private readonly AddedTokenSplitter _added;
    private readonly Func<string, string> _normalize;
    private readonly MetaspaceSplitter _preTokenizer;
    private readonly TokenDecoder _decoder;

    private SentencePieceBpeTokenizer(SentencePieceBpe model, List<AddedToken> added, Func<string, string> normalize, MetaspaceSplitter preTokenizer, TokenDecoder decoder, TokenTable table) : base(table)
    {
        _model = model;
        _added = new AddedTokenSplitter(added);
        _normalize = normalize;
        _preTokenizer = preTokenizer;
        _decoder = decoder;
    }

    /// <inheritdoc />
    public override IReadOnlyList<int> Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>(text.Length / 3 + 4);
        bool atStart = true;
        foreach (var (segment, id) in _added.Split(HfBpeTokenizer.WellFormed(text)))
        {
            if (id >= 0) ids.Add(id);
            else foreach (string word in _preTokenizer.Split(_normalize(segment), atStart)) _model.Encode(word, ids);
            atStart = false;
        }
        return ids;
    }

    /// <inheritdoc />
    public override string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return _decoder.Decode(Table.Spellings(ids, skipSpecialTokens).ToList());
    }

    /// <summary>Whether a tokenizer.json's BPE is SentencePiece-style: byte_fallback, or a Metaspace pre-tokenizer.</summary>
    internal static bool Recognizes(JsonElement root)
    {
        if (TokenizerJson.Flag(root.GetProperty("model"), "byte_fallback")) return true;
        if (!root.TryGetProperty("pre_tokenizer", out var pre) || pre.ValueKind != JsonValueKind.Object) return false;
        var steps = pre.TryGetProperty("pretokenizers", out var list) && list.ValueKind == JsonValueKind.Array ? list.EnumerateArray().ToList() : [pre];
        return steps.Any(s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == "Metaspace");
    }

    internal static SentencePieceBpeTokenizer FromJson(JsonElement root, string file)
    {
        var added = TokenizerJson.AddedTokens(root, file);
        var model = SentencePieceBpe.Read(root.GetProperty("model"), file);
        return new SentencePieceBpeTokenizer(model, added, TextNormalizer.Read(root, file), MetaspaceSplitter.Read(root, file), TokenDecoder.Read(root, file),
            TokenTable.Read(model.Vocab, added, file));
    }
}
