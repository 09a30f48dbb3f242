using System.Globalization;
using System.Text.Json;
using Forge.Contracts.Data;
using Forge.Contracts.Rewards;

namespace Forge.Core.Data;

/// <summary>
/// (prompt, completion) traces from a prompt source's rows, for sft and distill stages that learn from a dataset
/// (a Parquet or JSONL file through the <c>dataset</c> source: OpenR1-Math's <c>generations</c>, NuminaMath's
/// <c>solution</c>) instead of a trace file: the prompt is the row's prompt, the completion its column named by
/// <c>CompletionColumn</c> — a string, or a list of strings whose first (or <c>column[i]</c>'s i-th) is taken.
/// </summary>
public static class SourceTraces
{
    /// <summary>The train split of <paramref name="source"/> for <paramref name="seed"/>, each row (its id and prompt) with its completion.</summary>
    /// <param name="source">The prompt source.</param>
    /// <param name="column">The completion's column: <c>name</c> or <c>name[i]</c>.</param>
    /// <param name="seed">The run's seed (the source's order and held-out split).</param>
    /// <param name="key">The setting named in errors (the stage's <c>CompletionColumn</c>).</param>
    /// <exception cref="ForgeDataException">The column is malformed, or a row lacks it or holds no string there.</exception>
    public static IReadOnlyList<RewardInput> Read(IPromptSource source, string column, int seed, string key)
    {
        ArgumentNullException.ThrowIfNull(source);
        var (name, index) = Parse(column, key);
        var traces = new List<RewardInput>();
        // Only the id, the prompt and the completion are kept: a dataset's other columns (OpenR1's four long
        // generations, its messages) would otherwise stay in memory for every row of the split.
        foreach (var row in source.Rows("train", seed))
            traces.Add(new RewardInput(new PromptRow(row.Id, row.Prompt), Completion(row, name, index, column, key), 0, false));
        return traces;
    }

    /// <summary><c>name</c> or <c>name[i]</c>.</summary>
    internal static (string Name, int? Index) Parse(string column, string key)
    {
        if (string.IsNullOrWhiteSpace(column)) throw new ForgeDataException($"{key}: empty; name the column that holds the completion");
        if (!column.EndsWith(']')) return (column, null);
        int open = column.LastIndexOf('[');
        if (open > 0 && int.TryParse(column.AsSpan(open + 1, column.Length - open - 2), NumberStyles.None, CultureInfo.InvariantCulture, out int index))
            return (column[..open], index);
        throw new ForgeDataException($"{key}: '{column}' is neither a column name nor name[i] with an index i ≥ 0");
    }

    private static string Completion(PromptRow row, string name, int? index, string column, string key)
    {
        if (!row.Columns.TryGetValue(name, out var value))
            throw new ForgeDataException($"{key}: row '{row.Id}' has no column '{name}' (its columns: {string.Join(", ", row.Columns.Keys.Order(StringComparer.Ordinal))})");
        if (value.ValueKind == JsonValueKind.String && index is null) return value.GetString()!;
        if (value.ValueKind == JsonValueKind.Array)
        {
            int at = index ?? 0;
            if (at < value.GetArrayLength() && value[at].ValueKind == JsonValueKind.String) return value[at].GetString()!;
            throw new ForgeDataException($"{key}: row '{row.Id}': '{column}' is not a string (column '{name}' is a list of {value.GetArrayLength()})");
        }
        throw new ForgeDataException($"{key}: row '{row.Id}': '{column}' is not a string (column '{name}' holds {value.ValueKind.ToString().ToLowerInvariant()})");
    }
}
