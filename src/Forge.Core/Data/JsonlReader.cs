using System.Text.Json;

namespace Forge.Core.Data;

/// <summary>Reads a JSON Lines file one object per line; a bad line is reported with its file and line number.</summary>
public static class JsonlReader
{
    /// <summary>
    /// Each non-blank line as a JSON object, with its 1-based line number; a line that is not one (invalid JSON,
    /// another value, an undecodable string) is refused naming the file and line.
    /// </summary>
    public static IEnumerable<(int Line, JsonElement Value)> ReadObjects(string path) => BoundedFile.ReadJsonObjects(path, "JSON Lines");

    /// <summary>A required string property of a line's object.</summary>
    public static string RequiredString(JsonElement row, string property, string path, int line)
    {
        if (!row.TryGetProperty(property, out var value) || value.ValueKind != JsonValueKind.String)
            throw new ForgeDataException($"{path}:{line}: missing string field \"{property}\"");
        return value.GetString()!;
    }
}
