using System.Globalization;
using System.Text.Json;
using Forge.Contracts.Data;
using Forge.Contracts.Models;
using Forge.Contracts.Rewards;

namespace Forge.Core.Data;

/// <summary>
/// Reads scored-completion files: one JSON object per line with <c>prompt</c>, <c>completion</c> and any dataset
/// columns (<c>answer</c>, <c>numbers</c>, …); optional <c>id</c>, <c>truncated</c> and <c>completion_tokens</c> (an
/// integer ≥ 0; any other value is refused naming the file and line). Where a line has no <c>completion_tokens</c>,
/// the completion's tokens are counted with the tokenizer given, else left 0.
/// </summary>
public static class CompletionFile
{
    private const string TokensColumn = "completion_tokens";
    private static readonly HashSet<string> Reserved = ["prompt", "completion", TokensColumn, "truncated", "id"];

    /// <summary>All lines of <paramref name="path"/> as reward inputs, in file order.</summary>
    /// <param name="path">The file.</param>
    /// <param name="tokenizer">Counts a completion's tokens where its line has no <c>completion_tokens</c>; null leaves them 0.</param>
    public static IReadOnlyList<RewardInput> Read(string path, ITokenizer? tokenizer = null) => [.. Rows(path, tokenizer)];

    /// <summary>The lines of <paramref name="path"/> as reward inputs, parsed as they are enumerated.</summary>
    /// <param name="path">The file.</param>
    /// <param name="tokenizer">Counts a completion's tokens where its line has no <c>completion_tokens</c>; null leaves them 0.</param>
    public static IEnumerable<RewardInput> Rows(string path, ITokenizer? tokenizer = null)
    {
        foreach (var (line, row) in JsonlReader.ReadObjects(path))
        {
            string prompt = JsonlReader.RequiredString(row, "prompt", path, line);
            string completion = JsonlReader.RequiredString(row, "completion", path, line);
            var columns = new Dictionary<string, JsonElement>();
            foreach (var property in row.EnumerateObject())
                if (!Reserved.Contains(property.Name)) columns[property.Name] = property.Value;
            int tokens = row.TryGetProperty(TokensColumn, out var t) ? Tokens(t, path, line) : tokenizer?.Encode(completion).Count ?? 0;
            bool truncated = row.TryGetProperty("truncated", out var tr) && tr.ValueKind == JsonValueKind.True;
            string id = row.TryGetProperty("id", out var idValue) ? idValue.ToString() : line.ToString(CultureInfo.InvariantCulture);
            yield return new RewardInput(new PromptRow(id, prompt, columns), completion, tokens, truncated);
        }
    }

    private static int Tokens(JsonElement value, string path, int line) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int n) && n >= 0
            ? n
            : throw new ForgeDataException($"{path}:{line}: \"{TokensColumn}\" is {Abbreviate(value.GetRawText())}, not an integer ≥ 0");

    private static string Abbreviate(string json) => json.Length <= 40 ? json.ReplaceLineEndings(" ") : json[..37].ReplaceLineEndings(" ") + "...";
}
