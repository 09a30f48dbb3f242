using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Forge.Core.Tokenizers;

/// <summary>
/// A Hugging Face byte-level BPE tokenizer.json (GPT-2, Qwen2/2.5/3, Llama 3, DeepSeek V3/R1 and their distills), with
/// Hugging Face's pipeline: added tokens cut out first, the rest normalized (NFC when declared), pre-tokenized by the
/// file's Split/ByteLevel steps and merged by Microsoft.ML.Tokenizers' BPE. Ids are Hugging Face's.
/// </summary>
public sealed class HfBpeTokenizer : HfTokenizer
{
    private readonly BpeModel _model;
    private readonly AddedTokenSplitter _added;
    private readonly Func<string, string> _normalize;
    private readonly PreTokenizerPipeline _preTokenizer;
    private readonly byte[]?[] _bytes; // id -> the bytes its spelling stands for, filled on first use

    private HfBpeTokenizer(BpeModel model, List<AddedToken> added, Func<string, string> normalize, PreTokenizerPipeline preTokenizer, TokenTable table) : base(table)
    {
        _model = model;
        _added = new AddedTokenSplitter(added);
        _normalize = normalize;
        _preTokenizer = preTokenizer;
        _bytes = new byte[]?[table.Count];
    }

    /// <inheritdoc />
    public override IReadOnlyList<int> Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>(text.Length / 3 + 4);
        foreach (var (segment, id) in _added.Split(WellFormed(text)))
        {
            if (id >= 0)
            {
                ids.Add(id);
                continue;
            }
            foreach (string piece in _preTokenizer.Split(_normalize(segment)))
            {
                // ignore_merges (Llama 3): a piece that is a whole vocabulary token is taken as is, as tiktoken does.
                if (_model.IgnoreMerges && _model.Vocab.TryGetValue(ByteLevelAlphabet.Encode(piece), out int whole)) ids.Add(whole);
                else ids.AddRange(_model.Bpe.EncodeToIds(piece, considerPreTokenization: false, considerNormalization: false));
            }
        }
        return ids;
    }

    /// <inheritdoc />
    public override string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var bytes = new List<byte>(ids is ICollection<int> known ? 4 * known.Count : 64);
        foreach (int id in ids)
        {
            if (!Table.TrySpelling(id, skipSpecialTokens, out string token)) continue;
            // Each id's bytes are worked out once (sampling decodes every completion; a write raced by another thread
            // stores the same bytes).
            bytes.AddRange(_bytes[id] ??= TokenBytes(token));
        }
        // Invalid UTF-8 (a character cut between tokens) becomes U+FFFD, like Rust's from_utf8_lossy.
        return Encoding.UTF8.GetString(CollectionsMarshal.AsSpan(bytes));
    }

    private static byte[] TokenBytes(string token)
    {
        var bytes = new List<byte>(token.Length);
        ByteLevelAlphabet.AppendBytes(token, bytes);
        return [.. bytes];
    }

    internal static HfBpeTokenizer FromJson(JsonElement root, string file)
    {
        var added = TokenizerJson.AddedTokens(root, file);
        var model = BpeModel.Read(root.GetProperty("model"), file);
        return new HfBpeTokenizer(model, added, TextNormalizer.Read(root, file), PreTokenizerPipeline.Read(root, file), TokenTable.Read(model.Vocab, added, file));
    }

    // A lone surrogate cannot be normalized or tokenized (Hugging Face's strings cannot hold one): it becomes U+FFFD,
    // as UTF-8 encoding would make it.
    internal static string WellFormed(string text) =>
        !text.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF') || IsWellFormed(text) ? text : Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text));

    private static bool IsWellFormed(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            else if (char.IsSurrogate(text[i])) return false;
        }
        return true;
    }
}
