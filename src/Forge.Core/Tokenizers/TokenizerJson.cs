using System.IO.Compression;
using System.Text.Json;

namespace Forge.Core.Tokenizers;

/// <summary>Locates and parses a Hugging Face tokenizer.json (plain or .gz), with errors that name the file.</summary>
internal static class TokenizerJson
{
    /// <summary>The tokenizer.json for PATH: the file itself, or tokenizer.json(.gz) in the folder.</summary>
    public static string Locate(string path)
    {
        if (File.Exists(path)) return path;
        if (Directory.Exists(path))
        {
            foreach (string name in new[] { "tokenizer.json", "tokenizer.json.gz" })
                if (File.Exists(Path.Combine(path, name))) return Path.Combine(path, name);
            throw new ForgeDataException($"{path}: no tokenizer.json in this folder");
        }
        throw new ForgeDataException($"{path}: tokenizer not found (a tokenizer.json or the folder holding it)");
    }

    public static JsonDocument Parse(string file)
    {
        try
        {
            using Stream raw = File.OpenRead(file);
            using Stream stream = file.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(raw, CompressionMode.Decompress) : raw;
            return JsonDocument.Parse(stream);
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException)
        {
            throw new ForgeDataException($"{file}: not a valid tokenizer.json ({ex.Message.Split(" LineNumber")[0].TrimEnd('.', ' ')})");
        }
    }

    /// <summary>Added tokens: (content, id, special).</summary>
    public static List<(string Content, int Id, bool Special)> AddedTokens(JsonElement root, string file)
    {
        var list = new List<(string, int, bool)>();
        if (!root.TryGetProperty("added_tokens", out var added) || added.ValueKind == JsonValueKind.Null) return list;
        if (added.ValueKind != JsonValueKind.Array) throw new ForgeDataException($"{file}: \"added_tokens\" must be an array");
        foreach (var token in added.EnumerateArray())
        {
            if (!token.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String
                || !token.TryGetProperty("id", out var id) || !id.TryGetInt32(out int value) || value < 0)
                throw new ForgeDataException($"{file}: an added token lacks \"content\" or a valid \"id\"");
            bool special = token.TryGetProperty("special", out var s) && s.ValueKind == JsonValueKind.True;
            list.Add((content.GetString()!, value, special));
        }
        return list;
    }
}
