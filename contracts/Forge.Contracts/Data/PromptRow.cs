using System.Text.Json;

namespace Forge.Contracts.Data;

/// <summary>One prompt with the dataset columns that came with it (e.g. <c>answer</c>, <c>numbers</c>, <c>target</c>).</summary>
/// <param name="Id">A stable identifier within its source, used for grouping and de-duplication.</param>
/// <param name="Prompt">The problem text, before any prompt template is applied.</param>
/// <param name="Columns">Every other column of the row, as JSON values.</param>
public sealed record PromptRow(string Id, string Prompt, IReadOnlyDictionary<string, JsonElement> Columns)
{
    /// <summary>A row with no extra columns.</summary>
    public PromptRow(string id, string prompt) : this(id, prompt, new Dictionary<string, JsonElement>()) { }

    /// <summary>The column as text: a JSON string's value, or the raw JSON of a number or other value; null when absent or JSON null.</summary>
    public string? GetString(string column)
    {
        if (!Columns.TryGetValue(column, out var value)) return null;
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            _ => value.GetRawText(),
        };
    }

    /// <summary>Deserializes the column into <typeparamref name="T"/>; false when absent or not convertible.</summary>
    public bool TryGet<T>(string column, out T? value)
    {
        value = default;
        if (!Columns.TryGetValue(column, out var element)) return false;
        try
        {
            value = element.Deserialize<T>();
            return value is not null;
        }
        catch (JsonException)
        {
            return false;
        }
        catch (NotSupportedException)
        {
            return false;
        }
    }
}
