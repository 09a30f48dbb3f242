using System.Text;
using System.Text.Json;
using Forge.Contracts.Models;

namespace Forge.Core.Tokenizers;

/// <summary>
/// One token per character (Unicode scalar), plus whole added tokens (padding, end of sequence, unknown and the R1
/// tags), for tiny models trained from scratch. Saved as a Hugging Face WordLevel tokenizer.json whose Split
/// pre-tokenizer isolates every character and whose Fuse decoder joins them, so transformers loads it too.
/// </summary>
public sealed class CharTokenizer : ITokenizer
{
    /// <summary>Padding.</summary>
    public const string Pad = "<pad>";
    /// <summary>End of sequence.</summary>
    public const string Eos = "<eos>";
    /// <summary>Characters outside the alphabet.</summary>
    public const string Unknown = "<unk>";

    /// <summary>The R1 tags: single tokens, but content the rewards read, so decoding keeps them (not "special").</summary>
    public static readonly IReadOnlyList<string> Tags = ["<think>", "</think>", "<answer>", "</answer>"];

    /// <summary>The added tokens of a new tokenizer, in id order: pad, eos, unk, then the R1 tags.</summary>
    public static readonly IReadOnlyList<string> DefaultAddedTokens = [Pad, Eos, Unknown, .. Tags];

    private readonly string[] _tokens;
    private readonly Dictionary<string, int> _ids;
    private readonly List<AddedToken> _added;
    private readonly AddedTokenSplitter _splitter;
    private readonly HashSet<int> _special;

    private CharTokenizer(IEnumerable<string> tokens, List<AddedToken> added)
    {
        _tokens = tokens.ToArray();
        _ids = _tokens.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => p.i, StringComparer.Ordinal);
        _added = added;
        _splitter = new AddedTokenSplitter(added);
        _special = added.Where(a => a.Special).Select(a => a.Id).ToHashSet();
    }

    /// <summary>
    /// A tokenizer over the characters of <paramref name="corpus"/> (in ordinal order) after <see cref="DefaultAddedTokens"/>
    /// and <paramref name="extraSpecials"/> (control tokens, dropped by skipSpecialTokens).
    /// </summary>
    public static CharTokenizer Build(IEnumerable<string> corpus, IEnumerable<string>? extraSpecials = null)
    {
        var addedTexts = DefaultAddedTokens.Concat(extraSpecials ?? []).Distinct().ToList();
        var characters = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string text in corpus)
            foreach (var rune in text.EnumerateRunes()) characters.Add(rune.ToString());
        var added = addedTexts.Select((t, i) => new AddedToken(t, i, Special: !Tags.Contains(t))).ToList();
        return new CharTokenizer(addedTexts.Concat(characters.Where(c => !addedTexts.Contains(c))), added);
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
        foreach (var (segment, id) in _splitter.Split(text))
        {
            if (id >= 0) ids.Add(id);
            else foreach (var rune in segment.EnumerateRunes()) ids.Add(_ids.GetValueOrDefault(rune.ToString(), unknown));
        }
        return ids;
    }

    /// <inheritdoc />
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false)
    {
        var text = new StringBuilder();
        foreach (int id in ids)
        {
            if ((uint)id >= (uint)_tokens.Length || (skipSpecialTokens && _special.Contains(id))) continue;
            text.Append(_tokens[id]);
        }
        return text.ToString();
    }

    /// <summary>Writes tokenizer.json (WordLevel, per-character Split, Fuse decoder) and tokenizer_config.json into <paramref name="directory"/>.</summary>
    public void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        var json = new
        {
            version = "1.0",
            truncation = (object?)null,
            padding = (object?)null,
            added_tokens = _added.Select(a => new { id = a.Id, content = a.Content, single_word = false, lstrip = false, rstrip = false, normalized = false, special = a.Special }),
            normalizer = (object?)null,
            pre_tokenizer = new { type = "Split", pattern = new { Regex = "[\\s\\S]" }, behavior = "Isolated", invert = false },
            post_processor = (object?)null,
            decoder = new { type = "Fuse" },
            model = new { type = "WordLevel", vocab = _ids, unk_token = Unknown },
        };
        File.WriteAllText(Path.Combine(directory, "tokenizer.json"), JsonSerializer.Serialize(json, Data.ForgeJson.Indented));
        File.WriteAllText(Path.Combine(directory, "tokenizer_config.json"), JsonSerializer.Serialize(
            new { eos_token = Eos, pad_token = Pad, unk_token = Unknown, tokenizer_class = "PreTrainedTokenizerFast" }, Data.ForgeJson.Indented));
    }

    /// <summary>Whether a WordLevel tokenizer.json is one <see cref="Save"/> wrote (characters fused back on decoding).</summary>
    internal static bool IsCharacterLevel(JsonElement root) =>
        root.TryGetProperty("decoder", out var decoder) && decoder.ValueKind == JsonValueKind.Object
        && decoder.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "Fuse";

    internal static CharTokenizer FromJson(JsonElement root, string file)
    {
        if (!root.GetProperty("model").TryGetProperty("vocab", out var vocabJson) || vocabJson.ValueKind != JsonValueKind.Object)
            throw new ForgeDataException($"{file}: WordLevel model lacks a \"vocab\" object");
        var vocab = vocabJson.EnumerateObject().Select(p => (p.Name, Id: p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetInt32(out int id) ? id : -1)).OrderBy(p => p.Id).ToList();
        if (vocab.Where((p, i) => p.Id != i).Any()) throw new ForgeDataException($"{file}: character vocabulary ids must be 0..n-1");
        var added = TokenizerJson.AddedTokens(root, file);
        foreach (string required in new[] { Pad, Eos, Unknown })
            if (added.All(a => a.Content != required)) throw new ForgeDataException($"{file}: character tokenizer lacks the added token \"{required}\"");
        if (added.Any(a => a.Id >= vocab.Count || vocab[a.Id].Name != a.Content))
            throw new ForgeDataException($"{file}: an added token's id does not match the vocabulary");
        return new CharTokenizer(vocab.Select(v => v.Name), added);
    }
}
