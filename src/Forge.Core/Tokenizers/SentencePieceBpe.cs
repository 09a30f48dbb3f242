using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Forge.Core.Tokenizers;

/// <summary>
/// The BPE "model" of a SentencePiece-style tokenizer.json (Llama 1/2, Mistral v0.1–v0.3, Mixtral): a word starts as its
/// characters; a character outside the vocabulary becomes its UTF-8 bytes as <c>&lt;0xNN&gt;</c> tokens (byte_fallback),
/// else the unknown token (consecutive ones fused when fuse_unk is set); then the adjacent pair of highest merge
/// priority is merged, leftmost first among equals, until no listed pair remains. These are Hugging Face's semantics
/// for such a file, which give SentencePiece's own ids.
/// </summary>
internal sealed class SentencePieceBpe
{
    private readonly Dictionary<string, int> _vocab;
    private readonly Dictionary<(int Left, int Right), (int Rank, int Id)> _merges;
    private readonly int[]? _byteIds; // byte -> id of <0xNN>; null without byte_fallback
    private readonly int? _unknown;
    private readonly bool _fuseUnknown;

    private SentencePieceBpe(Dictionary<string, int> vocab, Dictionary<(int, int), (int, int)> merges, int[]? byteIds, int? unknown, bool fuseUnknown)
    {
        _vocab = vocab;
        _merges = merges;
        _byteIds = byteIds;
        _unknown = unknown;
        _fuseUnknown = fuseUnknown;
    }

    /// <summary>Token → id.</summary>
    public IReadOnlyDictionary<string, int> Vocab => _vocab;

    public static SentencePieceBpe Read(JsonElement model, string file)
    {
        var vocab = BpeModel.ReadVocab(model, file);
        BpeModel.RefuseAffixes(model, file);
        var merges = new Dictionary<(int, int), (int, int)>();
        var list = BpeModel.ReadMerges(model, file, vocab);
        for (int rank = 0; rank < list.Count; rank++)
        {
            int space = list[rank].IndexOf(' ', StringComparison.Ordinal);
            string left = list[rank][..space], right = list[rank][(space + 1)..];
            // A pair listed twice keeps its later priority, as a map built from the list in order does (Hugging Face's).
            merges[(vocab[left], vocab[right])] = (rank, vocab[left + right]);
        }
        int? unknown = null;
        if (model.TryGetProperty("unk_token", out var unk) && unk.ValueKind == JsonValueKind.String)
        {
            unknown = vocab.TryGetValue(unk.GetString()!, out int id) ? id
                : throw new ForgeDataException($"{file}: BPE unk_token \"{unk.GetString()}\" is not in the vocabulary");
        }
        int[]? byteIds = null;
        if (TokenizerJson.Flag(model, "byte_fallback"))
        {
            byteIds = new int[256];
            for (int b = 0; b < 256; b++) byteIds[b] = vocab.TryGetValue(ByteToken(b), out int id) ? id : -1;
        }
        return new SentencePieceBpe(vocab, merges, byteIds, unknown, TokenizerJson.Flag(model, "fuse_unk"));
    }

    /// <summary>The spelling of byte <paramref name="b"/> in a byte-fallback vocabulary: <c>&lt;0x0A&gt;</c>.</summary>
    public static string ByteToken(int b) => "<0x" + b.ToString("X2", CultureInfo.InvariantCulture) + ">";

    /// <summary>Appends the ids of one pre-tokenized <paramref name="word"/> to <paramref name="ids"/>.</summary>
    public void Encode(string word, List<int> ids)
    {
        var symbols = Symbols(word);
        int count = symbols.Count;
        if (count == 0) return;
        var next = new int[count];
        var previous = new int[count];
        var alive = new bool[count];
        for (int i = 0; i < count; i++)
        {
            next[i] = i + 1 < count ? i + 1 : -1;
            previous[i] = i - 1;
            alive[i] = true;
        }
        // (left position, merged id) by (priority, left position): the best pair first, the leftmost among equals.
        var queue = new PriorityQueue<(int Position, int Id), (int Rank, int Position)>();
        void Offer(int left)
        {
            if (left >= 0 && next[left] >= 0 && _merges.TryGetValue((symbols[left], symbols[next[left]]), out var merge))
                queue.Enqueue((left, merge.Id), (merge.Rank, left));
        }
        for (int i = 0; i + 1 < count; i++) Offer(i);
        while (queue.TryDequeue(out var top, out _))
        {
            int left = top.Position, right = next[left];
            // Stale entries: the left symbol was merged away, or its neighbour changed since the pair was offered.
            if (!alive[left] || right < 0 || !_merges.TryGetValue((symbols[left], symbols[right]), out var merge) || merge.Id != top.Id) continue;
            symbols[left] = merge.Id;
            alive[right] = false;
            next[left] = next[right];
            if (next[right] >= 0) previous[next[right]] = left;
            Offer(previous[left]);
            Offer(left);
        }
        for (int i = 0; i >= 0; i = next[i]) ids.Add(symbols[i]);
    }

    private List<int> Symbols(string word)
    {
        var symbols = new List<int>(word.Length);
        bool lastUnknown = false;
        Span<byte> utf8 = stackalloc byte[4];
        for (int i = 0; i < word.Length;)
        {
            int length = char.IsHighSurrogate(word[i]) && i + 1 < word.Length && char.IsLowSurrogate(word[i + 1]) ? 2 : 1;
            string character = word.Substring(i, length);
            i += length;
            if (_vocab.TryGetValue(character, out int id))
            {
                symbols.Add(id);
                lastUnknown = false;
                continue;
            }
            if (_byteIds is not null)
            {
                int written = Encoding.UTF8.GetBytes(character, utf8);
                bool all = true;
                for (int b = 0; b < written; b++) all &= _byteIds[utf8[b]] >= 0;
                if (all)
                {
                    for (int b = 0; b < written; b++) symbols.Add(_byteIds[utf8[b]]);
                    lastUnknown = false;
                    continue;
                }
            }
            // Without an unknown token an unknown character is dropped, as Hugging Face does.
            if (_unknown is not int unknown) continue;
            if (!(_fuseUnknown && lastUnknown)) symbols.Add(unknown);
            lastUnknown = true;
        }
        return symbols;
    }
}
