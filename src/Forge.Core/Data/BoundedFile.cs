using Forge.Contracts.Data;

namespace Forge.Core.Data;

/// <summary>
/// Every read of a user's file in Forge goes through here: <see cref="InputFile"/>'s limits (regular files only,
/// a byte limit per kind of file, strict UTF-8, JSON Lines streamed with a limit per line), its refusals as one-line
/// <see cref="ForgeDataException"/>s naming the file and line.
/// </summary>
public static class BoundedFile
{
    /// <summary>config.json, tokenizer_config.json, forge.json, summary.json and other small JSON files.</summary>
    public const long SmallJsonBytes = InputFile.SmallJsonBytes;

    /// <summary>tokenizer.json, decompressed.</summary>
    public const long TokenizerBytes = InputFile.TokenizerBytes;

    /// <summary>One line of a JSON Lines file.</summary>
    public const int LineBytes = InputFile.LineBytes;

    private static readonly Func<string, Exception?, Exception> Error = (message, inner) => new ForgeDataException(message, inner);

    /// <summary>Opens <paramref name="path"/>, which must be a regular file; <paramref name="what"/> names it in errors.</summary>
    public static FileStream OpenRead(string path, string what) => InputFile.OpenRead(path, what, Error);

    /// <summary>The UTF-8 text of <paramref name="path"/>, at most <paramref name="maxBytes"/> bytes.</summary>
    public static string ReadAllText(string path, long maxBytes, string what) =>
        InputFile.Decode(InputFile.ReadAllBytes(path, maxBytes, what, Error), path, Error);

    /// <summary>At most <paramref name="maxBytes"/> of <paramref name="stream"/> (of <paramref name="path"/>) as UTF-8 text.</summary>
    public static string ReadAllText(Stream stream, long maxBytes, string path, string what) =>
        InputFile.Decode(InputFile.ReadAll(stream, maxBytes, path, what, Error), path, Error);

    /// <summary>The JSON objects of a JSON Lines file with their line numbers (<see cref="InputFile.ReadJsonObjects(string, string)"/>).</summary>
    public static IEnumerable<(int Line, System.Text.Json.JsonElement Row)> ReadJsonObjects(string path, string what) => InputFile.ReadJsonObjects(path, what, Error);

    /// <summary>The lines of <paramref name="path"/> with their 1-based numbers, each at most <paramref name="maxLineBytes"/>.</summary>
    public static IEnumerable<(int Line, string Text)> ReadLines(string path, string what, int maxLineBytes = LineBytes) =>
        InputFile.ReadLines(path, what, maxLineBytes, Error);
}
