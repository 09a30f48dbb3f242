using System.Text;
using System.Text.Json;
using Forge.Contracts.Models;

namespace Forge.Core.Tokenizers;

/// <summary>
/// One token per character, plus whole special tokens (padding, end of sequence, the R1 tags), for tiny models
/// trained from scratch. Saved as a Hugging Face WordLevel tokenizer.json that splits every character and fuses
/// them back on decoding, so transformers can load it too.
/// </summary>
public sealed class CharTokenizer : ITokenizer
{
    /// <summary>Padding.</summary>
    public const string Pad = "<pad>";
    /// <summary>End of sequence.</summary>
    public const string Eos = "<eos>";
    /// <summary>Characters outside the alphabet.</summary>
    public const string Unknown = "<unk>";

    /// <summary>The special tokens of a new tokenizer, in id order: pad, eos, unk and the R1 tags.</summary>
    public static readonly IReadOnlyList<string> DefaultSpecials = [Pad, Eos, Unknown, "<think>", "</think>", "<answer>", "</answer>"];

    private readonly string[] _tokens;
    private readonly Dictionary<string, int> _ids;
    private readonly List<string> _specials; // longest first, for greedy matching

    private CharTokenizer(IEnumerable<string> tokens, IEnumerable<string> specials)
    {
        _tokens = tokens.ToArray();
        _ids = _tokens.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => p.i);
        _specials = specials.OrderByDescending(s => s.Length).ToList();
    }

    /// <summary>A tokenizer over the characters of <paramref name="corpus"/> (sorted) after <see cref="DefaultSpecials"/>.</summary>
    public static CharTokenizer Build(IEnumerable<string> corpus, IEnumerable<string>? extraSpecials = null)
    {
        var specials = DefaultSpecials.Concat(extraSpecials ?? []).Distinct().ToList();
        var characters = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string text in corpus)
            foreach (var rune in text.EnumerateRunes()) characters.Add(rune.ToString());
        return new CharTokenizer(specials.Concat(characters.Where(c => !specials.Contains(c))), specials);
    }

    /// <inheritdoc />
    public int VocabSize => _tokens.Length;

    /// <inheritdoc />
    public IReadOnlyList<int> StopTokenIds => [_ids[Eos]];

    /// <inheritdoc />
    public int PadTokenId => _ids[Pad];

    /// <inheritdoc />
    public IReadOnlyList<int> Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>(text.Length);
        int unknown = _ids[Unknown];
        for (int i = 0; i < text.Length;)
        {
            string? special = _specials.FirstOrDefault(s => string.CompareOrdinal(text, i, s, 0, s.Length) == 0);
            if (special is not null)
            {
                ids.Add(_ids[special]);
                i += special.Length;
                continue;
            }
            var rune = Rune.GetRuneAt(text, i);
            ids.Add(_ids.GetValueOrDefault(rune.ToString(), unknown));
            i += rune.Utf16SequenceLength;
        }
        return ids;
    }

    /// <inheritdoc />
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false)
    {
        var text = new StringBuilder();
        foreach (int id in ids)
        {
            if (id < 0 || id >= _tokens.Length) continue;
            if (skipSpecialTokens && _specials.Contains(_tokens[id]) && !IsTag(_tokens[id])) continue;
            text.Append(_tokens[id]);
        }
        return text.ToString();
    }

    // The R1 tags are content the rewards read, not control tokens: they survive skipSpecialTokens.
    private static bool IsTag(string token) => token.StartsWith("<think>", StringComparison.Ordinal) || token.StartsWith("</think>", StringComparison.Ordinal)
        || token.StartsWith("<answer>", StringComparison.Ordinal) || token.StartsWith("</answer>", StringComparison.Ordinal);

    /// <summary>Writes tokenizer.json (WordLevel, per-character split, Fuse decoder) into <paramref name="directory"/>.</summary>
    public void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        var json = new
        {
            version = "1.0",
            added_tokens = _specials.Select(s => new { id = _ids[s], content = s, single_word = false, lstrip = false, rstrip = false, normalized = false, special = !IsTag(s) })
                .OrderBy(t => t.id),
            normalizer = (object?)null,
            pre_tokenizer = new { type = "Split", pattern = new { Regex = "[\\s\\S]" }, behavior = "Isolated", invert = false },
            post_processor = (object?)null,
            decoder = new { type = "Fuse" },
            model = new { type = "WordLevel", vocab = _tokens.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => p.i), unk_token = Unknown },
        };
        File.WriteAllText(Path.Combine(directory, "tokenizer.json"), JsonSerializer.Serialize(json, Data.ForgeJson.Indented));
        File.WriteAllText(Path.Combine(directory, "tokenizer_config.json"),
            JsonSerializer.Serialize(new { eos_token = Eos, pad_token = Pad, unk_token = Unknown, tokenizer_class = "PreTrainedTokenizerFast" }, Data.ForgeJson.Indented));
    }

    internal static bool IsCharacterLevel(JsonElement root) =>
        root.TryGetProperty("decoder", out var decoder) && decoder.ValueKind == JsonValueKind.Object
        && decoder.TryGetProperty("type", out var type) && type.GetString() == "Fuse";

    internal static CharTokenizer FromJson(JsonElement root, string file)
    {
        var vocab = root.GetProperty("model").GetProperty("vocab").EnumerateObject().Select(p => (p.Name, Id: p.Value.GetInt32())).OrderBy(p => p.Id).ToList();
        if (vocab.Where((p, i) => p.Id != i).Any()) throw new ForgeDataException($"{file}: character vocabulary ids must be 0..n-1");
        var specials = TokenizerJson.AddedTokens(root, file).Select(a => a.Content).ToList();
        foreach (string required in new[] { Pad, Eos, Unknown })
            if (!specials.Contains(required)) throw new ForgeDataException($"{file}: character tokenizer lacks \"{required}\"");
        return new CharTokenizer(vocab.Select(v => v.Name), specials);
    }
}
