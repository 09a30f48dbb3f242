using System.Text.Json;

namespace Forge.Core.Tokenizers;

/// <summary>The parts of tokenizer_config.json Forge uses: which tokens end and pad sequences.</summary>
internal sealed record TokenizerConfig(string? EosToken, string? PadToken)
{
    public static TokenizerConfig Read(string directory)
    {
        string path = Path.Combine(directory, "tokenizer_config.json");
        if (!File.Exists(path)) return new TokenizerConfig(null, null);
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            return new TokenizerConfig(Token(document.RootElement, "eos_token"), Token(document.RootElement, "pad_token"));
        }
        catch (JsonException ex)
        {
            throw new ForgeDataException($"{path}: invalid JSON ({ex.Message.Split(" LineNumber")[0].TrimEnd('.', ' ')})");
        }
    }

    // Either "token" or {"content": "token", ...}.
    private static string? Token(JsonElement root, string key) =>
        !root.TryGetProperty(key, out var value) ? null : value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Object when value.TryGetProperty("content", out var c) => c.GetString(),
            _ => null,
        };
}
