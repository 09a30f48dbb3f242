using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Forge.Contracts.Plugins;

namespace Forge.Contracts.Data;

/// <summary>
/// Reads a user's file within bounds, as every reader in Forge does: only a regular file (never a FIFO, a device such
/// as <c>/dev/zero</c> or a folder, symbolic links followed), never more bytes than a limit, text strictly UTF-8 —
/// each refusal one <see cref="PluginInputException"/> line naming the file (and the line). JSON Lines are streamed a
/// line at a time with a limit per line, so memory stays bounded whatever the file holds.
/// </summary>
public static class InputFile
{
    /// <summary>config.json, tokenizer_config.json and other small JSON files.</summary>
    public const long SmallJsonBytes = 16L << 20;

    /// <summary>tokenizer.json (decompressed, for .gz): real ones are at most tens of megabytes.</summary>
    public const long TokenizerBytes = 512L << 20;

    /// <summary>One line of a JSON Lines file (a dataset row, a trace, a metrics record).</summary>
    public const int LineBytes = 16 << 20;

    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    private static readonly Func<string, Exception?, Exception> PluginError = (message, inner) => new PluginInputException(message, inner);

    /// <summary>Opens <paramref name="path"/>, which must be a regular file; <paramref name="what"/> names it in errors (<c>dataset</c>).</summary>
    public static FileStream OpenRead(string path, string what) => OpenRead(path, what, PluginError);

    /// <summary>All bytes of <paramref name="path"/>, refused when there are more than <paramref name="maxBytes"/>.</summary>
    public static byte[] ReadAllBytes(string path, long maxBytes, string what) => ReadAllBytes(path, maxBytes, what, PluginError);

    /// <summary>The UTF-8 text of <paramref name="path"/> (a byte-order mark skipped), at most <paramref name="maxBytes"/> bytes.</summary>
    public static string ReadAllText(string path, long maxBytes, string what) => Decode(ReadAllBytes(path, maxBytes, what, PluginError), path, PluginError);

    /// <summary>
    /// The lines of <paramref name="path"/> (split at \n, a trailing \r dropped) with their 1-based numbers, read as
    /// they are enumerated; a line over <paramref name="maxLineBytes"/> bytes or not UTF-8 is refused with its number.
    /// </summary>
    public static IEnumerable<(int Line, string Text)> ReadLines(string path, string what, int maxLineBytes = LineBytes) =>
        ReadLines(path, what, maxLineBytes, PluginError);

    /// <summary>
    /// The JSON objects of a JSON Lines file, one per non-blank line, with their 1-based line numbers: a line that is
    /// not a JSON object — invalid JSON, another kind of value, a string escaping half a surrogate pair — is refused
    /// with its file and line, so what reads the rows never meets a value it cannot decode.
    /// </summary>
    public static IEnumerable<(int Line, JsonElement Row)> ReadJsonObjects(string path, string what) => ReadJsonObjects(path, what, PluginError);

    internal static IEnumerable<(int Line, JsonElement Row)> ReadJsonObjects(string path, string what, Func<string, Exception?, Exception> error)
    {
        foreach (var (number, line) in ReadLines(path, what, LineBytes, error))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonElement row;
            try
            {
                using var document = JsonDocument.Parse(line);
                row = document.RootElement.Clone();
            }
            catch (JsonException ex)
            {
                throw error($"{path}:{number}: invalid JSON ({ex.Message.Split(" LineNumber")[0].ReplaceLineEndings(" ").TrimEnd('.', ' ')})", ex);
            }
            if (row.ValueKind != JsonValueKind.Object)
                throw error($"{path}:{number}: expected a JSON object, found {row.ValueKind.ToString().ToLowerInvariant()}", null);
            if (!Decodable(row)) throw error($"{path}:{number}: invalid JSON (a string escapes half of a surrogate pair, e.g. \\ud800 alone)", null);
            yield return (number, row);
        }
    }

    /// <summary>Whether every string and property name in <paramref name="value"/> decodes (the parser checks escapes only when a string is read).</summary>
    private static bool Decodable(JsonElement value)
    {
        try
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.String:
                    _ = value.GetString();
                    return true;
                case JsonValueKind.Object:
                    foreach (var property in value.EnumerateObject())
                        if (property.Name is null || !Decodable(property.Value)) return false;
                    return true;
                case JsonValueKind.Array:
                    foreach (var item in value.EnumerateArray())
                        if (!Decodable(item)) return false;
                    return true;
                default:
                    return true;
            }
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    internal static FileStream OpenRead(string path, string what, Func<string, Exception?, Exception> error)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (RegularFile.Problem(path, what) is { } problem) throw error(problem, null);
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw error($"{path}: cannot read the {what} file ({ex.Message})", ex);
        }
    }

    internal static byte[] ReadAllBytes(string path, long maxBytes, string what, Func<string, Exception?, Exception> error)
    {
        using var stream = OpenRead(path, what, error);
        return ReadAll(stream, maxBytes, path, what, error);
    }

    /// <summary>
    /// At most <paramref name="maxBytes"/> bytes of <paramref name="stream"/> to its end; the length a stream claims
    /// is not trusted (a file may grow, a compressed one decompresses to more).
    /// </summary>
    internal static byte[] ReadAll(Stream stream, long maxBytes, string path, string what, Func<string, Exception?, Exception> error)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (stream.CanSeek && stream.Length > maxBytes) throw error(TooLarge(path, what, Size(stream.Length), maxBytes), null);
        using var buffer = new MemoryStream(stream.CanSeek ? (int)stream.Length : 1 << 16);
        var chunk = new byte[1 << 16];
        try
        {
            for (int read; (read = stream.Read(chunk)) > 0;)
            {
                if (buffer.Length + read > maxBytes) throw error(TooLarge(path, what, "more than " + Size(maxBytes), maxBytes), null);
                buffer.Write(chunk, 0, read);
            }
        }
        catch (IOException ex)
        {
            throw error($"{path}: cannot read the {what} file ({ex.Message.ReplaceLineEndings(" ")})", ex);
        }
        return buffer.ToArray();
    }

    internal static IEnumerable<(int Line, string Text)> ReadLines(string path, string what, int maxLineBytes, Func<string, Exception?, Exception> error)
    {
        using var stream = OpenRead(path, what, error);
        var line = new ArrayBufferWriter<byte>(256);
        var chunk = new byte[1 << 16];
        int number = 1;
        bool first = true;
        for (int read; (read = Read(stream, chunk, path, what, error)) > 0;)
        {
            int start = first && chunk.AsSpan(0, read).StartsWith(Bom) ? Bom.Length : 0;
            first = false;
            while (start < read)
            {
                int end = chunk.AsSpan(start, read - start).IndexOf((byte)'\n');
                int length = end < 0 ? read - start : end;
                if (line.WrittenCount + length > maxLineBytes)
                    throw error($"{path}:{number}: line is longer than {Size(maxLineBytes)}", null);
                line.Write(chunk.AsSpan(start, length));
                if (end < 0) break;
                yield return (number, DecodeLine(line.WrittenSpan, path, number, error));
                line.ResetWrittenCount();
                number++;
                start += length + 1;
            }
        }
        if (line.WrittenCount > 0) yield return (number, DecodeLine(line.WrittenSpan, path, number, error));
    }

    private static int Read(Stream stream, byte[] chunk, string path, string what, Func<string, Exception?, Exception> error)
    {
        try
        {
            return stream.Read(chunk);
        }
        catch (IOException ex)
        {
            throw error($"{path}: cannot read the {what} file ({ex.Message})", ex);
        }
    }

    private static string DecodeLine(ReadOnlySpan<byte> bytes, string path, int number, Func<string, Exception?, Exception> error)
    {
        if (!bytes.IsEmpty && bytes[^1] == '\r') bytes = bytes[..^1];
        return Utf8.IsValid(bytes) ? Encoding.UTF8.GetString(bytes)
            : throw error($"{path}:{number}: not valid UTF-8 (byte offset {InvalidAt(bytes)} of the line)", null);
    }

    /// <summary>UTF-8 <paramref name="bytes"/> as text, a leading byte-order mark skipped; invalid UTF-8 is refused naming the byte.</summary>
    internal static string Decode(ReadOnlySpan<byte> bytes, string path, Func<string, Exception?, Exception> error)
    {
        if (bytes.StartsWith(Bom)) bytes = bytes[Bom.Length..];
        return Utf8.IsValid(bytes) ? Encoding.UTF8.GetString(bytes)
            : throw error($"{path}: not valid UTF-8 (byte offset {InvalidAt(bytes)})", null);
    }

    private static int InvalidAt(ReadOnlySpan<byte> bytes)
    {
        var chars = new char[Math.Min(bytes.Length, 1 << 16) + 2];
        int offset = 0;
        while (true)
        {
            var status = Utf8.ToUtf16(bytes[offset..], chars, out int read, out _, replaceInvalidSequences: false);
            offset += read;
            if (status != OperationStatus.DestinationTooSmall) return offset;
        }
    }

    private static string TooLarge(string path, string what, string size, long maxBytes) =>
        $"{path}: {size} is too large for a {what} file (limit {Size(maxBytes)})";

    /// <summary>A byte count for people: <c>16 MiB</c>, <c>3.2 GiB</c>, <c>120 bytes</c>.</summary>
    public static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("0.#", CultureInfo.InvariantCulture) + " GiB",
        >= 1L << 20 => (bytes / (double)(1L << 20)).ToString("0.#", CultureInfo.InvariantCulture) + " MiB",
        >= 1L << 10 => (bytes / (double)(1L << 10)).ToString("0.#", CultureInfo.InvariantCulture) + " KiB",
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " bytes",
    };
}
