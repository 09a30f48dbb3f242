using System.Text;
using System.Text.Json;

namespace Forge.Core.Tokenizers;

/// <summary>
/// The normalizers a tokenizer.json may declare, applied to text outside added tokens: Unicode forms (Qwen2's is NFC) and
/// the SentencePiece steps of Llama 2 / Mistral files, <c>Prepend</c> (to non-empty text) and <c>Replace</c> of a literal
/// string.
/// </summary>
internal static class TextNormalizer
{
    /// <summary>The normalizer section as a function; identity when there is none.</summary>
    public static Func<string, string> Read(JsonElement root, string file)
    {
        if (!root.TryGetProperty("normalizer", out var section) || section.ValueKind == JsonValueKind.Null) return text => text;
        var steps = TokenizerJson.Type(section, file) == "Sequence" ? section.GetProperty("normalizers").EnumerateArray().ToList() : [section];
        var functions = steps.Select(step => Step(step, file)).ToList();
        return text =>
        {
            foreach (var function in functions) text = function(text);
            return text;
        };
    }

    private static Func<string, string> Step(JsonElement step, string file)
    {
        switch (TokenizerJson.Type(step, file))
        {
            case "NFC": return text => text.Normalize(NormalizationForm.FormC);
            case "NFD": return text => text.Normalize(NormalizationForm.FormD);
            case "NFKC": return text => text.Normalize(NormalizationForm.FormKC);
            case "NFKD": return text => text.Normalize(NormalizationForm.FormKD);
            case "Prepend":
                string prefix = StringOption(step, "prepend", file);
                return text => text.Length == 0 ? text : prefix + text;
            case "Replace":
                if (!step.TryGetProperty("pattern", out var pattern) || pattern.ValueKind != JsonValueKind.Object
                    || !pattern.TryGetProperty("String", out var literal) || literal.ValueKind != JsonValueKind.String || literal.GetString()!.Length == 0)
                    throw new ForgeDataException($"{file}: Replace normalizer needs a {{\"String\": ...}} pattern (regex patterns are not supported)");
                string from = literal.GetString()!, to = StringOption(step, "content", file);
                return text => text.Replace(from, to, StringComparison.Ordinal);
            case var other:
                throw new ForgeDataException($"{file}: normalizer \"{other}\" is not supported (NFC, NFD, NFKC, NFKD, Prepend, Replace)");
        }
    }

    private static string StringOption(JsonElement step, string key, string file) =>
        step.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()!
            : throw new ForgeDataException($"{file}: {TokenizerJson.Type(step, file)} normalizer lacks its \"{key}\" string");
}
