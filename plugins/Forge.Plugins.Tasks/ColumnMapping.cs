using System.Globalization;
using System.Text.Json;
using Forge.Contracts.Data;
using Forge.Contracts.Plugins;

namespace Forge.Plugins.Tasks;

/// <summary>
/// Turns a dataset row into a <see cref="PromptRow"/> by <see cref="DatasetColumns"/>: the prompt, the gold answer
/// (<see cref="GoldAnswer"/>) as <c>answer</c>, the id, the kept columns, and the text its split is decided by. A
/// missing column or a value of the wrong kind is one error naming the file, the row and the setting.
/// </summary>
internal sealed class ColumnMapping(DatasetColumns columns, string? splitKey)
{
    public static readonly string[] PromptCandidates = ["prompt", "question", "problem"];
    public static readonly string[] AnswerCandidates = ["answer", "solution"];

    /// <summary>A mapped row, the text its split is decided by, and whether it has a gold answer.</summary>
    public readonly record struct Mapped(PromptRow Row, string SplitText, bool HasAnswer);

    /// <summary>The prompt column among <paramref name="names"/>, or null when none fits.</summary>
    public string? PromptColumn(IEnumerable<string> names) => columns.Prompt ?? First(names, PromptCandidates);

    /// <summary>The answer column among <paramref name="names"/>, or null when there is none.</summary>
    public string? AnswerColumn(IEnumerable<string> names) => columns.Answer ?? First(names, AnswerCandidates);

    /// <summary>The id column among <paramref name="names"/>, or null when ids are file:row.</summary>
    public string? IdColumn(IEnumerable<string> names) => columns.Id ?? (names.Contains("id") ? "id" : null);

    /// <summary>The columns a row must hold and their settings (prompt, answer, id, split key, kept), by the file's column names.</summary>
    public IEnumerable<(string Column, string Setting)> Required(IReadOnlyCollection<string> names)
    {
        if (PromptColumn(names) is { } prompt) yield return (prompt, "Columns:Prompt");
        if (columns.Answer is { } answer) yield return (answer, "Columns:Answer");
        if (columns.Id is { } id) yield return (id, "Columns:Id");
        if (splitKey is { } key) yield return (key, "SplitKey");
        foreach (string kept in columns.Keep ?? []) yield return (kept, "Columns:Keep");
    }

    /// <summary>The columns a row needs to be mapped, by the file's column names; null for all of them.</summary>
    public HashSet<string>? Needed(IReadOnlyCollection<string> names)
    {
        if (columns.Keep is null) return null;
        var needed = new HashSet<string>(Required(names).Select(r => r.Column), StringComparer.Ordinal);
        if (AnswerColumn(names) is { } answer) needed.Add(answer);
        if (IdColumn(names) is { } id) needed.Add(id);
        return needed;
    }

    public Mapped Map(DatasetRow row)
    {
        var values = row.Values;
        var names = values.Keys.ToList();
        string promptColumn = PromptColumn(names)
            ?? throw new PluginInputException($"{row.Where}: no prompt column (none of {string.Join(", ", PromptCandidates)}; set Columns:Prompt)");
        string prompt = Text(row, promptColumn, "Columns:Prompt", numberAllowed: false)!;
        var kept = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (columns.Keep is null)
        {
            foreach (var (name, value) in values)
                if (name != promptColumn) kept[name] = value;
        }
        else
        {
            foreach (string name in columns.Keep) kept[name] = Value(row, name, "Columns:Keep");
        }
        bool hasAnswer = false;
        if (AnswerColumn(names) is { } answerColumn && (columns.Answer is not null || values.ContainsKey(answerColumn))
            && Text(row, answerColumn, "Columns:Answer", numberAllowed: true) is { } answer)
        {
            // A solution found by default counts only where it marks its answer: its whole text is no gold answer.
            bool markedOnly = columns.Answer is null && answerColumn != AnswerCandidates[0];
            if (GoldAnswer.Extract(answer, markedOnly) is { } gold)
            {
                kept["answer"] = JsonSerializer.SerializeToElement(gold);
                hasAnswer = true;
            }
        }
        string id = IdColumn(names) is { } idColumn ? Text(row, idColumn, "Columns:Id", numberAllowed: true) ?? Null(row, idColumn, "Columns:Id")
            : $"{row.File}:{row.Number.ToString(CultureInfo.InvariantCulture)}";
        string splitText = splitKey is null ? prompt : Value(row, splitKey, "SplitKey") is var key && key.ValueKind == JsonValueKind.String ? key.GetString()! : key.GetRawText();
        return new Mapped(new PromptRow(id, prompt, kept), splitText, hasAnswer);
    }

    /// <summary>A string (or, where allowed, a number as written) column's text; null for a null value.</summary>
    private static string? Text(DatasetRow row, string column, string setting, bool numberAllowed)
    {
        var value = Value(row, column, setting);
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number when numberAllowed => value.GetRawText(),
            JsonValueKind.Null when numberAllowed => null,
            JsonValueKind.Null => Null(row, column, setting),
            _ => throw new PluginInputException($"{row.Where}: \"{column}\" ({setting}) is {Kind(value)}, not {(numberAllowed ? "a string or number" : "a string")}"),
        };
    }

    private static JsonElement Value(DatasetRow row, string column, string setting) =>
        row.Values.TryGetValue(column, out var value) ? value
            : throw new PluginInputException($"{row.Where}: no column \"{column}\" ({setting}); the row has {string.Join(", ", row.Values.Keys)}");

    private static string Null(DatasetRow row, string column, string setting) =>
        throw new PluginInputException($"{row.Where}: \"{column}\" ({setting}) is null");

    private static string? First(IEnumerable<string> names, string[] candidates)
    {
        var set = names as ICollection<string> ?? names.ToList();
        return candidates.FirstOrDefault(set.Contains);
    }

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Number => "a number",
        _ => value.ValueKind.ToString().ToLowerInvariant(),
    };
}
