using System.Text.Json;

namespace Forge.Core.Data;

/// <summary>Reads a JSON Lines file one object per line; a bad line is reported with its file and line number.</summary>
public static class JsonlReader
{
    /// <summary>Each non-blank line as a JSON object, with its 1-based line number.</summary>
    public static IEnumerable<(int Line, JsonElement Value)> ReadObjects(string path)
    {
        foreach (var (lineNumber, line) in BoundedFile.ReadLines(path, "JSON Lines"))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonElement value;
            try
            {
                using var document = JsonDocument.Parse(line);
                value = document.RootElement.Clone();
            }
            catch (JsonException ex)
            {
                throw new ForgeDataException($"{path}:{lineNumber}: invalid JSON ({JsonErrors.Describe(ex)})");
            }
            if (value.ValueKind != JsonValueKind.Object)
                throw new ForgeDataException($"{path}:{lineNumber}: expected a JSON object, found {value.ValueKind.ToString().ToLowerInvariant()}");
            yield return (lineNumber, value);
        }
    }

    /// <summary>A required string property of a line's object.</summary>
    public static string RequiredString(JsonElement row, string property, string path, int line)
    {
        if (!row.TryGetProperty(property, out var value) || value.ValueKind != JsonValueKind.String)
            throw new ForgeDataException($"{path}:{line}: missing string field \"{property}\"");
        return value.GetString()!;
    }
}
