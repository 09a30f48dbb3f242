using System.Text;
using System.Text.Json;

namespace Forge.Core.Checkpoints;

/// <summary>
/// The validated header of a safetensors file: every tensor's dtype, shape and byte range. Rejects, with one line
/// naming the file and tensor, anything a hostile or truncated file could use to make the reader misbehave.
/// </summary>
public sealed class SafetensorsHeader
{
    /// <summary>Largest header accepted; real headers are kilobytes.</summary>
    public const long MaxHeaderBytes = 100L << 20;

    private SafetensorsHeader(string path, long dataStart, IReadOnlyList<SafetensorsEntry> entries)
    {
        Path = path;
        DataStart = dataStart;
        Entries = entries;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>Offset of the first data byte (8 + header length).</summary>
    public long DataStart { get; }

    /// <summary>The tensors, in file order.</summary>
    public IReadOnlyList<SafetensorsEntry> Entries { get; }

    /// <summary>Reads and validates the header of <paramref name="path"/>.</summary>
    public static SafetensorsHeader Read(string path)
    {
        using var stream = Data.BoundedFile.OpenRead(path, "safetensors");
        long fileLength = stream.Length;
        if (fileLength < 8) throw new ForgeDataException($"{path}: truncated safetensors file ({fileLength} bytes, the header length alone is 8)");
        Span<byte> lengthBytes = stackalloc byte[8];
        stream.ReadExactly(lengthBytes);
        ulong headerLength = BitConverter.ToUInt64(lengthBytes);
        if (headerLength > MaxHeaderBytes)
            throw new ForgeDataException($"{path}: safetensors header length {headerLength} is absurd (limit {MaxHeaderBytes})");
        if (8 + (long)headerLength > fileLength)
            throw new ForgeDataException($"{path}: safetensors header length {headerLength} runs past the end of the file ({fileLength} bytes)");
        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        long dataLength = fileLength - 8 - (long)headerLength;
        return new SafetensorsHeader(path, 8 + (long)headerLength, Parse(path, headerBytes, dataLength));
    }

    private static List<SafetensorsEntry> Parse(string path, byte[] header, long dataLength)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header);
        }
        catch (JsonException ex)
        {
            throw new ForgeDataException($"{path}: safetensors header is not valid JSON ({Data.JsonErrors.Describe(ex)})");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new ForgeDataException($"{path}: safetensors header is not a JSON object");
            var entries = new List<SafetensorsEntry>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            try
            {
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    if (property.Name == "__metadata__") continue;
                    if (!names.Add(property.Name)) throw new ForgeDataException($"{path}: tensor \"{property.Name}\" is described twice");
                    entries.Add(ParseEntry(path, property.Name, property.Value, dataLength));
                }
            }
            catch (InvalidOperationException ex)
            {
                // System.Text.Json accepts invalid UTF-8 inside strings until they are read as text.
                throw new ForgeDataException($"{path}: safetensors header is not valid UTF-8 JSON ({ex.Message})", ex);
            }
            CheckLayout(path, entries, dataLength);
            return entries;
        }
    }

    private static SafetensorsEntry ParseEntry(string path, string name, JsonElement value, long dataLength)
    {
        string where = $"{path}: tensor \"{name}\"";
        if (value.ValueKind != JsonValueKind.Object
            || !value.TryGetProperty("dtype", out var dtype) || dtype.ValueKind != JsonValueKind.String
            || !value.TryGetProperty("shape", out var shape) || shape.ValueKind != JsonValueKind.Array
            || !value.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
            throw new ForgeDataException($"{where}: expected {{\"dtype\", \"shape\", \"data_offsets\": [begin, end]}}");
        if (!SafetensorsDType.TryParse(dtype.GetString()!, out var type, out int size))
            throw new ForgeDataException($"{where}: unknown dtype \"{dtype.GetString()}\"");
        var dims = new long[shape.GetArrayLength()];
        int i = 0;
        foreach (var d in shape.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out long n) || n < 0 || n > (1L << 40))
                throw new ForgeDataException($"{where}: invalid shape dimension {d.GetRawText()}");
            dims[i++] = n;
        }
        if (!offsets[0].TryGetInt64(out long begin) || !offsets[1].TryGetInt64(out long end) || begin < 0 || end < begin)
            throw new ForgeDataException($"{where}: invalid data_offsets [{offsets[0].GetRawText()}, {offsets[1].GetRawText()}]");
        if (end > dataLength)
            throw new ForgeDataException($"{where}: data_offsets [{begin}, {end}] run past the data ({dataLength} bytes): file truncated?");
        var entry = new SafetensorsEntry(name, type, size, dims, begin, end);
        long elements = 1;
        foreach (long d in dims) elements = elements > 0 && d > long.MaxValue / Math.Max(1, elements) ? -1 : elements * d;
        if (elements < 0 || elements * size != end - begin)
            throw new ForgeDataException($"{where}: shape [{string.Join(", ", dims)}] of {dtype.GetString()} needs {(elements < 0 ? "too many" : (elements * size).ToString())} bytes but data_offsets span {end - begin}");
        return entry;
    }

    private static void CheckLayout(string path, List<SafetensorsEntry> entries, long dataLength)
    {
        var ordered = entries.OrderBy(e => e.Begin).ThenBy(e => e.End).ToList();
        long cursor = 0;
        foreach (var entry in ordered)
        {
            if (entry.Begin < cursor)
                throw new ForgeDataException($"{path}: tensor \"{entry.Name}\" overlaps the tensor before it (bytes {entry.Begin}..{entry.End})");
            if (entry.Begin > cursor)
                throw new ForgeDataException($"{path}: {entry.Begin - cursor} unaccounted bytes before tensor \"{entry.Name}\"");
            cursor = entry.End;
        }
        if (cursor != dataLength)
            throw new ForgeDataException($"{path}: {dataLength - cursor} bytes after the last tensor are not described by the header");
    }

    /// <summary>The header JSON for <paramref name="entries"/>, padded with spaces to a multiple of 8 bytes.</summary>
    public static byte[] Encode(IEnumerable<SafetensorsEntry> entries)
    {
        var json = new Dictionary<string, object> { ["__metadata__"] = new Dictionary<string, string> { ["format"] = "pt" } };
        foreach (var e in entries)
            json[e.Name] = new { dtype = SafetensorsDType.Name(e.DType), shape = e.Shape, data_offsets = new[] { e.Begin, e.End } };
        var bytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(json));
        int padded = (bytes.Length + 7) / 8 * 8;
        var result = Enumerable.Repeat((byte)' ', padded).ToArray();
        bytes.CopyTo(result, 0);
        return result;
    }
}
