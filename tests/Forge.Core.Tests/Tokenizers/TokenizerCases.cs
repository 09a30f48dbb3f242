using System.Text.Json;

namespace Forge.Core.Tests.Tokenizers;

/// <summary>One Hugging Face reference: text (null for decode-only cases) → ids → decoded text, with and without specials.</summary>
public sealed record TokenizerCase(string? Text, int[] Ids, string Decoded, string? Skipped)
{
    public static readonly string Root = Path.Combine(AppContext.BaseDirectory, "TestData", "tokenizers");

    /// <summary>The "cases" array of a file under TestData/tokenizers.</summary>
    public static List<TokenizerCase> Read(string relativePath)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, relativePath)));
        return Parse(document.RootElement.GetProperty("cases"));
    }

    public static List<TokenizerCase> Parse(JsonElement cases) => cases.EnumerateArray().Select(c => new TokenizerCase(
        c.TryGetProperty("text", out var text) ? text.GetString() : null,
        c.GetProperty("ids").EnumerateArray().Select(v => v.GetInt32()).ToArray(),
        c.GetProperty("decoded").GetString()!,
        c.TryGetProperty("skipped", out var skipped) ? skipped.GetString() : null)).ToList();

    /// <summary>Indices 0..n-1 of a file's cases, for theories.</summary>
    public static TheoryData<int> Indices(string relativePath)
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < Read(relativePath).Count; i++) data.Add(i);
        return data;
    }
}
