using System.Text.Json;

namespace Forge.Core.Tokenizers;

/// <summary>
/// The pre_tokenizer of a SentencePiece-style tokenizer.json: none (the legacy Llama 2 / Mistral layout, whose normalizer
/// already spelt spaces as '▁'), or <c>Metaspace</c>: spaces become the replacement character, which is put in front
/// always, only at the start of the text (<c>prepend_scheme: first</c>) or never, and with <c>split</c> each
/// replacement character starts a new word.
/// </summary>
internal sealed class MetaspaceSplitter
{
    private readonly string? _replacement; // null: no pre-tokenizer
    private readonly string _scheme = "always";
    private readonly bool _split;

    private MetaspaceSplitter(string? replacement, string scheme, bool split)
    {
        _replacement = replacement;
        _scheme = scheme;
        _split = split;
    }

    /// <summary>
    /// The words of a normalized segment; <paramref name="atTextStart"/> says whether the segment begins the text (no
    /// added token before it), which <c>prepend_scheme: first</c> asks.
    /// </summary>
    public IEnumerable<string> Split(string segment, bool atTextStart)
    {
        if (segment.Length == 0) yield break;
        if (_replacement is null)
        {
            yield return segment;
            yield break;
        }
        string text = segment.Replace(" ", _replacement, StringComparison.Ordinal);
        bool prepend = _scheme == "always" || (_scheme == "first" && atTextStart);
        if (prepend && !text.StartsWith(_replacement, StringComparison.Ordinal)) text = _replacement + text;
        if (!_split)
        {
            yield return text;
            yield break;
        }
        // Each replacement character opens a word (merged with what follows it).
        int start = 0;
        for (int i = text.IndexOf(_replacement, 1, StringComparison.Ordinal); i > 0; i = text.IndexOf(_replacement, i + _replacement.Length, StringComparison.Ordinal))
        {
            yield return text[start..i];
            start = i;
        }
        yield return text[start..];
    }

    /// <summary>Reads the pre_tokenizer section: null, or Metaspace (alone or the only step of a Sequence).</summary>
    public static MetaspaceSplitter Read(JsonElement root, string file)
    {
        if (!root.TryGetProperty("pre_tokenizer", out var section) || section.ValueKind == JsonValueKind.Null) return new MetaspaceSplitter(null, "never", false);
        var steps = TokenizerJson.Type(section, file) == "Sequence" ? section.GetProperty("pretokenizers").EnumerateArray().ToList() : [section];
        if (steps.Count != 1 || TokenizerJson.Type(steps[0], file) != "Metaspace")
            throw new ForgeDataException($"{file}: pre-tokenizer {string.Join(", ", steps.Select(s => TokenizerJson.Type(s, file)))} is not supported with SentencePiece-style (byte_fallback) BPE (Metaspace or none)");
        var step = steps[0];
        return new MetaspaceSplitter(Replacement(step, file), Scheme(step, file), !step.TryGetProperty("split", out var split) || split.ValueKind != JsonValueKind.False);
    }

    /// <summary>The replacement character of a Metaspace section ('▁' when absent).</summary>
    public static string Replacement(JsonElement step, string file)
    {
        if (!step.TryGetProperty("replacement", out var value)) return "\u2581";
        return value.ValueKind == JsonValueKind.String && value.GetString()!.Length > 0 ? value.GetString()!
            : throw new ForgeDataException($"{file}: Metaspace \"replacement\" must be a non-empty string");
    }

    /// <summary>
    /// prepend_scheme (always, first, never); files older than tokenizers 0.15 say <c>add_prefix_space</c> instead.
    /// </summary>
    public static string Scheme(JsonElement step, string file)
    {
        if (step.TryGetProperty("prepend_scheme", out var scheme))
        {
            string? name = scheme.ValueKind == JsonValueKind.String ? scheme.GetString() : null;
            return name is "always" or "first" or "never" ? name
                : throw new ForgeDataException($"{file}: Metaspace prepend_scheme \"{name}\" is not one of always, first, never");
        }
        return step.TryGetProperty("add_prefix_space", out var add) && add.ValueKind == JsonValueKind.False ? "never" : "always";
    }
}
