using System.Text.Json;

namespace Forge.Core.Tokenizers;

/// <summary>
/// What Forge takes from the files beside tokenizer.json: tokenizer_config.json's eos/pad/bos tokens and
/// generation_config.json's eos_token_id (Qwen2.5-Instruct lists both &lt;|im_end|&gt; and &lt;|endoftext|&gt; there).
/// </summary>
internal sealed record TokenizerConfig(string? EosToken, string? PadToken, string? BosToken, IReadOnlyList<int> GenerationEosIds)
{
    public static TokenizerConfig Read(string directory)
    {
        using var config = Open(Path.Combine(directory, "tokenizer_config.json"));
        using var generation = Open(Path.Combine(directory, "generation_config.json"));
        var root = config?.RootElement;
        return new TokenizerConfig(Token(root, "eos_token"), Token(root, "pad_token"), Token(root, "bos_token"), EosIds(generation?.RootElement));
    }

    private static JsonDocument? Open(string path)
    {
        if (!Path.Exists(path)) return null;
        try
        {
            return JsonDocument.Parse(Data.BoundedFile.ReadAllText(path, Data.BoundedFile.SmallJsonBytes, Path.GetFileName(path)));
        }
        catch (JsonException ex)
        {
            throw new ForgeDataException($"{path}: invalid JSON ({Data.JsonErrors.Describe(ex)})");
        }
    }

    // Either "token" or {"content": "token", ...}.
    private static string? Token(JsonElement? root, string key) =>
        root is not { ValueKind: JsonValueKind.Object } r || !r.TryGetProperty(key, out var value) ? null : value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Object when value.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String => c.GetString(),
            _ => null,
        };

    // A number or a list of numbers.
    private static List<int> EosIds(JsonElement? root)
    {
        if (root is not { ValueKind: JsonValueKind.Object } r || !r.TryGetProperty("eos_token_id", out var value)) return [];
        var items = value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().ToList() : [value];
        return items.Where(v => v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out _)).Select(v => v.GetInt32()).ToList();
    }
}
