using System.Text.Json;
using System.Text.RegularExpressions;
using Forge.Contracts.Models;
using Microsoft.ML.Tokenizers;

namespace Forge.Core.Tokenizers;

/// <summary>
/// A Hugging Face byte-level BPE tokenizer.json (GPT-2, Qwen2/2.5/3, Llama 3, DeepSeek-R1 distills) on top of
/// Microsoft.ML.Tokenizers: its vocabulary and merges, the pre-tokenizer regex from the file, NFC when declared, and
/// added/special tokens matched whole before BPE. Ids are Hugging Face's.
/// </summary>
public sealed class HfBpeTokenizer : ITokenizer
{
    // GPT-2's pattern, used by a bare ByteLevel pre-tokenizer with use_regex.
    private const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";
    private static readonly string[] KnownStops = ["<|endoftext|>", "<|im_end|>", "<|end_of_text|>", "<|eot_id|>", "</s>", "<｜end▁of▁sentence｜>"];

    private readonly BpeTokenizer _bpe;
    private readonly HashSet<int> _special;

    private HfBpeTokenizer(BpeTokenizer bpe, HashSet<int> special, IReadOnlyList<int> stops, int pad, int vocabSize)
    {
        _bpe = bpe;
        _special = special;
        StopTokenIds = stops;
        PadTokenId = pad;
        VocabSize = vocabSize;
    }

    /// <inheritdoc />
    public int VocabSize { get; }

    /// <inheritdoc />
    public IReadOnlyList<int> StopTokenIds { get; }

    /// <inheritdoc />
    public int PadTokenId { get; }

    /// <inheritdoc />
    public IReadOnlyList<int> Encode(string text) => _bpe.EncodeToIds(text);

    /// <inheritdoc />
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false) =>
        _bpe.Decode(skipSpecialTokens ? ids.Where(id => !_special.Contains(id)) : ids, considerSpecialTokens: true);

    internal static HfBpeTokenizer FromJson(JsonElement root, string file)
    {
        var model = root.GetProperty("model");
        if (!model.TryGetProperty("vocab", out var vocabJson) || vocabJson.ValueKind != JsonValueKind.Object)
            throw new ForgeDataException($"{file}: BPE model lacks a \"vocab\" object");
        var vocab = new Dictionary<string, int>();
        foreach (var entry in vocabJson.EnumerateObject())
        {
            if (!entry.Value.TryGetInt32(out int id) || id < 0) throw new ForgeDataException($"{file}: vocab entry \"{entry.Name}\" has no valid id");
            vocab[entry.Name] = id;
        }
        var merges = Merges(model, file, vocab);
        var added = TokenizerJson.AddedTokens(root, file);
        var specials = added.ToDictionary(a => a.Content, a => a.Id);
        var (pattern, byteLevel) = PreTokenizer(root, file);
        if (!byteLevel) throw new ForgeDataException($"{file}: only byte-level BPE tokenizers are supported (no ByteLevel pre-tokenizer)");

        BpeTokenizer bpe;
        try
        {
            bpe = BpeTokenizer.Create(new BpeOptions(vocab)
            {
                Merges = merges,
                SpecialTokens = specials,
                PreTokenizer = new RegexPreTokenizer(new Regex(pattern, RegexOptions.Compiled), specials),
                Normalizer = Normalizer(root, file),
                ByteLevel = true,
            });
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException)
        {
            throw new ForgeDataException($"{file}: cannot build the BPE tokenizer: {ex.Message}");
        }

        var config = TokenizerConfig.Read(Path.GetDirectoryName(file)!);
        int? Id(string? token) => token is not null && specials.TryGetValue(token, out int id) ? id : token is not null && vocab.TryGetValue(token, out int v) ? v : null;
        var stops = new List<int>();
        if (Id(config.EosToken) is int eos) stops.Add(eos);
        foreach (string known in KnownStops)
            if (Id(known) is int id && !stops.Contains(id)) stops.Add(id);
        int pad = Id(config.PadToken) ?? Id("<|endoftext|>") ?? (stops.Count > 0 ? stops[0] : 0);
        int size = Math.Max(vocab.Values.DefaultIfEmpty(-1).Max(), added.Select(a => a.Id).DefaultIfEmpty(-1).Max()) + 1;
        return new HfBpeTokenizer(bpe, added.Where(a => a.Special).Select(a => a.Id).ToHashSet(), stops, pad, size);
    }

    private static List<string> Merges(JsonElement model, string file, Dictionary<string, int> vocab)
    {
        var merges = new List<string>();
        if (!model.TryGetProperty("merges", out var json) || json.ValueKind != JsonValueKind.Array)
            throw new ForgeDataException($"{file}: BPE model lacks a \"merges\" array");
        foreach (var merge in json.EnumerateArray())
        {
            // Two layouts exist: "a b" strings (older) and ["a", "b"] pairs (tokenizers ≥ 0.20).
            string? text = merge.ValueKind switch
            {
                JsonValueKind.String => merge.GetString(),
                JsonValueKind.Array when merge.GetArrayLength() == 2 => $"{merge[0].GetString()} {merge[1].GetString()}",
                _ => null,
            };
            var parts = text?.Split(' ');
            if (parts is not { Length: 2 } || !vocab.ContainsKey(parts[0]) || !vocab.ContainsKey(parts[1]))
                throw new ForgeDataException($"{file}: merge #{merges.Count + 1} ({merge.GetRawText()}) is not a pair of vocabulary tokens");
            merges.Add(text!);
        }
        return merges;
    }

    private static (string Pattern, bool ByteLevel) PreTokenizer(JsonElement root, string file)
    {
        if (!root.TryGetProperty("pre_tokenizer", out var pre) || pre.ValueKind != JsonValueKind.Object)
            throw new ForgeDataException($"{file}: missing \"pre_tokenizer\"");
        var steps = pre.GetProperty("type").GetString() == "Sequence" ? pre.GetProperty("pretokenizers").EnumerateArray().ToList() : [pre];
        string? pattern = null;
        bool byteLevel = false;
        foreach (var step in steps)
        {
            switch (step.GetProperty("type").GetString())
            {
                case "Split":
                    pattern = step.GetProperty("pattern").TryGetProperty("Regex", out var regex) ? regex.GetString()
                        : Regex.Escape(step.GetProperty("pattern").GetProperty("String").GetString()!);
                    break;
                case "ByteLevel":
                    byteLevel = true;
                    if (step.TryGetProperty("use_regex", out var useRegex) && useRegex.ValueKind == JsonValueKind.True) pattern ??= Gpt2Pattern;
                    break;
                default:
                    throw new ForgeDataException($"{file}: pre-tokenizer \"{step.GetProperty("type").GetString()}\" is not supported (Split, ByteLevel)");
            }
        }
        return (pattern ?? Gpt2Pattern, byteLevel);
    }

    private static Normalizer? Normalizer(JsonElement root, string file)
    {
        if (!root.TryGetProperty("normalizer", out var normalizer) || normalizer.ValueKind == JsonValueKind.Null) return null;
        var steps = normalizer.GetProperty("type").GetString() == "Sequence" ? normalizer.GetProperty("normalizers").EnumerateArray().ToList() : [normalizer];
        if (steps.Count == 0) return null;
        if (steps.All(s => s.GetProperty("type").GetString() == "NFC")) return new NfcNormalizer();
        throw new ForgeDataException($"{file}: normalizer \"{string.Join("+", steps.Select(s => s.GetProperty("type").GetString()))}\" is not supported (NFC)");
    }
}
