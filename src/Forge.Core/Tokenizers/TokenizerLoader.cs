using System.Text.Json;
using Forge.Contracts.Models;

namespace Forge.Core.Tokenizers;

/// <summary>Loads any tokenizer Forge understands from a tokenizer.json (or the folder holding it).</summary>
public static class TokenizerLoader
{
    /// <summary>
    /// A byte-level BPE (<see cref="HfBpeTokenizer"/>), a SentencePiece-style BPE (<see cref="SentencePieceBpeTokenizer"/>)
    /// or a character tokenizer (<see cref="CharTokenizer"/>).
    /// </summary>
    public static ITokenizer Load(string path)
    {
        string file = TokenizerJson.Locate(path);
        using var document = TokenizerJson.Parse(file);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.Object)
            throw new ForgeDataException($"{file}: missing \"model\" section");
        try
        {
            string? type = model.TryGetProperty("type", out var t) ? t.GetString() : null;
            return type switch
            {
                "BPE" when SentencePieceBpeTokenizer.Recognizes(root) => SentencePieceBpeTokenizer.FromJson(root, file),
                "BPE" => HfBpeTokenizer.FromJson(root, file),
                "WordLevel" when CharTokenizer.IsCharacterLevel(root) => CharTokenizer.FromJson(root, file),
                _ => throw new ForgeDataException($"{file}: tokenizer model type \"{type}\" is not supported (byte-level BPE, SentencePiece-style BPE, Forge character-level)"),
            };
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            // A key missing or of the wrong JSON type somewhere in the file.
            throw new ForgeDataException($"{file}: malformed tokenizer.json ({Data.JsonErrors.Describe(ex)})");
        }
    }
}
