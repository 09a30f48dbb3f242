using System.Text.Json;

namespace Forge.Plugins.Tasks;

/// <summary>One row of a dataset file as read, before its columns are mapped.</summary>
/// <param name="File">The file's name (no folder), for ids.</param>
/// <param name="Where">Where the row is, for errors: <c>path:line</c> or <c>path: row group g, row r</c>.</param>
/// <param name="Number">The line number (JSON Lines) or 0-based row index in the file (Parquet).</param>
/// <param name="Values">The row's columns by name.</param>
internal sealed record DatasetRow(string File, string Where, long Number, IReadOnlyDictionary<string, JsonElement> Values);
