using System.IO.Compression;
using System.Text.Json;
using Forge.Core.Data;

namespace Forge.Core.Tokenizers;

/// <summary>Locates and reads a Hugging Face tokenizer.json (plain or .gz), with errors that name the file.</summary>
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
            using Stream raw = BoundedFile.OpenRead(file, "tokenizer.json");
            using Stream stream = file.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(raw, CompressionMode.Decompress) : raw;
            // Decoded strictly first: the parser would accept invalid UTF-8 inside strings until they are read.
            return JsonDocument.Parse(BoundedFile.ReadAllText(stream, BoundedFile.TokenizerBytes, file, "tokenizer.json"));
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException)
        {
            throw new ForgeDataException($"{file}: not a valid tokenizer.json ({Data.JsonErrors.Describe(ex)})");
        }
    }

    /// <summary>The "type" of a section.</summary>
    public static string Type(JsonElement section, string file) =>
        section.ValueKind == JsonValueKind.Object && section.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
            ? type.GetString()!
            : throw new ForgeDataException($"{file}: a section lacks its \"type\": {Abbreviate(section.GetRawText())}");

    /// <summary>A boolean option, false when absent.</summary>
    public static bool Flag(JsonElement section, string key) => section.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.True;

    public static List<AddedToken> AddedTokens(JsonElement root, string file)
    {
        var list = new List<AddedToken>();
        if (!root.TryGetProperty("added_tokens", out var added) || added.ValueKind == JsonValueKind.Null) return list;
        if (added.ValueKind != JsonValueKind.Array) throw new ForgeDataException($"{file}: \"added_tokens\" must be an array");
        foreach (var token in added.EnumerateArray())
        {
            if (token.ValueKind != JsonValueKind.Object || !token.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String
                || !token.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.Number || !id.TryGetInt32(out int value) || value is < 0 or > BpeModel.MaxId)
                throw new ForgeDataException($"{file}: added token {Abbreviate(token.GetRawText())} lacks \"content\" or a valid \"id\"");
            list.Add(new AddedToken(content.GetString()!, value, Flag(token, "special"), Flag(token, "lstrip"), Flag(token, "rstrip")));
        }
        return list;
    }

    private static string Abbreviate(string json) => json.Length <= 80 ? json.ReplaceLineEndings(" ") : json[..77].ReplaceLineEndings(" ") + "...";
}
