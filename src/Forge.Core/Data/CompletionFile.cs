using System.Text.Json;
using Forge.Contracts.Data;
using Forge.Contracts.Rewards;

namespace Forge.Core.Data;

/// <summary>
/// Reads scored-completion files: one JSON object per line with <c>prompt</c>, <c>completion</c> and any dataset
/// columns (<c>answer</c>, <c>numbers</c>, …); optional <c>completion_tokens</c> and <c>truncated</c>.
/// </summary>
public static class CompletionFile
{
    private static readonly HashSet<string> Reserved = ["prompt", "completion", "completion_tokens", "truncated", "id"];

    /// <summary>All lines of <paramref name="path"/> as reward inputs, in file order.</summary>
    public static IReadOnlyList<RewardInput> Read(string path) => [.. Rows(path)];

    /// <summary>The lines of <paramref name="path"/> as reward inputs, parsed as they are enumerated.</summary>
    public static IEnumerable<RewardInput> Rows(string path)
    {
        foreach (var (line, row) in JsonlReader.ReadObjects(path))
        {
            string prompt = JsonlReader.RequiredString(row, "prompt", path, line);
            string completion = JsonlReader.RequiredString(row, "completion", path, line);
            var columns = new Dictionary<string, JsonElement>();
            foreach (var property in row.EnumerateObject())
                if (!Reserved.Contains(property.Name)) columns[property.Name] = property.Value;
            int tokens = row.TryGetProperty("completion_tokens", out var t) && t.TryGetInt32(out int n) ? n : 0;
            bool truncated = row.TryGetProperty("truncated", out var tr) && tr.ValueKind == JsonValueKind.True;
            string id = row.TryGetProperty("id", out var idValue) ? idValue.ToString() : line.ToString(System.Globalization.CultureInfo.InvariantCulture);
            yield return new RewardInput(new PromptRow(id, prompt, columns), completion, tokens, truncated);
        }
    }
}
