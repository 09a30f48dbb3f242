using System.Text.Json;
using Microsoft.ML.Tokenizers;

namespace Forge.Core.Tokenizers;

/// <summary>
/// Reads tokenizer.json's byte-level BPE "model" (vocab, merges, options) and builds Microsoft.ML.Tokenizers'
/// <see cref="BpeTokenizer"/> over it; Forge hands that tokenizer single pre-tokenized pieces. Its vocab and merges
/// readers also serve <see cref="SentencePieceBpe"/>.
/// </summary>
internal sealed record BpeModel(BpeTokenizer Bpe, Dictionary<string, int> Vocab, bool IgnoreMerges)
{
    public const int MaxId = 1 << 24;

    public static BpeModel Read(JsonElement model, string file)
    {
        var vocab = ReadVocab(model, file);
        RefuseAffixes(model, file);
        var merges = ReadMerges(model, file, vocab);
        try
        {
            var bpe = BpeTokenizer.Create(new BpeOptions(vocab) { Merges = merges, ByteLevel = true });
            return new BpeModel(bpe, vocab, TokenizerJson.Flag(model, "ignore_merges"));
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException)
        {
            throw new ForgeDataException($"{file}: cannot build the BPE tokenizer ({Data.JsonErrors.Describe(ex)})");
        }
    }

    /// <summary>The "vocab" object: token → id, each id in [0, <see cref="MaxId"/>].</summary>
    public static Dictionary<string, int> ReadVocab(JsonElement model, string file)
    {
        if (!model.TryGetProperty("vocab", out var vocabJson) || vocabJson.ValueKind != JsonValueKind.Object)
            throw new ForgeDataException($"{file}: BPE model lacks a \"vocab\" object");
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in vocabJson.EnumerateObject())
        {
            // The bound keeps a corrupt id from sizing a huge id table; real vocabularies stay far below it.
            if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out int id) || id is < 0 or > MaxId)
                throw new ForgeDataException($"{file}: vocab entry \"{entry.Name}\" has no valid id");
            vocab[entry.Name] = id;
        }
        return vocab;
    }

    /// <summary>Word-piece affixes (BERT-style BPE) are not part of the layouts Forge reads.</summary>
    public static void RefuseAffixes(JsonElement model, string file)
    {
        foreach (string key in new[] { "continuing_subword_prefix", "end_of_word_suffix" })
            if (model.TryGetProperty(key, out var affix) && affix.ValueKind == JsonValueKind.String && affix.GetString()!.Length > 0)
                throw new ForgeDataException($"{file}: BPE \"{key}\" is not supported; only byte-level and SentencePiece-style BPE");
    }

    /// <summary>The merges, highest priority first, each as "left right" of two vocabulary tokens whose join is one too.</summary>
    public static List<string> ReadMerges(JsonElement model, string file, Dictionary<string, int> vocab)
    {
        if (!model.TryGetProperty("merges", out var json) || json.ValueKind != JsonValueKind.Array)
            throw new ForgeDataException($"{file}: BPE model lacks a \"merges\" array");
        var merges = new List<string>(json.GetArrayLength());
        foreach (var merge in json.EnumerateArray())
        {
            // Two layouts exist: "a b" strings (older) and ["a", "b"] pairs (tokenizers >= 0.20).
            string[]? parts = merge.ValueKind switch
            {
                JsonValueKind.String => merge.GetString()!.Split(' '),
                JsonValueKind.Array when merge.GetArrayLength() == 2 && merge.EnumerateArray().All(p => p.ValueKind == JsonValueKind.String) =>
                    [merge[0].GetString()!, merge[1].GetString()!],
                _ => null,
            };
            // Byte-level tokens never hold a space (it is spelt 'Ġ', or '▁' in SentencePiece vocabularies), so "a b" is unambiguous.
            if (parts is not { Length: 2 } || parts.Any(p => p.Length == 0 || p.Contains(' ')) || !vocab.ContainsKey(parts[0])
                || !vocab.ContainsKey(parts[1]) || !vocab.ContainsKey(parts[0] + parts[1]))
                throw new ForgeDataException($"{file}: merge #{merges.Count + 1} ({merge.GetRawText()}) is not a pair of vocabulary tokens whose join is in the vocabulary");
            merges.Add(parts[0] + " " + parts[1]);
        }
        return merges;
    }
}
