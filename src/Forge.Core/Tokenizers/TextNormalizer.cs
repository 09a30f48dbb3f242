using System.Text;
using System.Text.Json;

namespace Forge.Core.Tokenizers;

/// <summary>The Unicode normalizers a tokenizer.json may declare (Qwen2's is NFC), applied to text outside added tokens.</summary>
internal static class TextNormalizer
{
    /// <summary>The normalizer section as a function; identity when there is none.</summary>
    public static Func<string, string> Read(JsonElement root, string file)
    {
        if (!root.TryGetProperty("normalizer", out var section) || section.ValueKind == JsonValueKind.Null) return text => text;
        var steps = TokenizerJson.Type(section, file) == "Sequence" ? section.GetProperty("normalizers").EnumerateArray().ToList() : [section];
        var forms = steps.Select(step => TokenizerJson.Type(step, file) switch
        {
            "NFC" => NormalizationForm.FormC,
            "NFD" => NormalizationForm.FormD,
            "NFKC" => NormalizationForm.FormKC,
            "NFKD" => NormalizationForm.FormKD,
            var other => throw new ForgeDataException($"{file}: normalizer \"{other}\" is not supported (NFC, NFD, NFKC, NFKD)"),
        }).ToList();
        return text =>
        {
            foreach (var form in forms) text = text.Normalize(form);
            return text;
        };
    }
}
