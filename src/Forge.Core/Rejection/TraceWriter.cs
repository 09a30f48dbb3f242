using System.Text.Json;
using Forge.Contracts.Data;
using Forge.Core.Data;

namespace Forge.Core.Rejection;

/// <summary>
/// Writes a trace dataset that the <c>sft</c> and <c>distill</c> stages read: one JSON object per line with
/// <c>id</c>, <c>prompt</c>, <c>completion</c>, <c>completion_tokens</c>, the prompt row's own columns (so rewards
/// can score it again) and the sample's <c>rewards</c>. Lines go to a temporary file that replaces the target only
/// when complete, so an interrupted stage never leaves half a dataset behind.
/// </summary>
public sealed class TraceWriter : IDisposable
{
    private static readonly HashSet<string> Reserved = ["id", "prompt", "completion", "completion_tokens", "truncated", "rewards"];
    private readonly string _path;
    private readonly string _temp;
    private readonly FileStream _stream;
    private readonly Utf8JsonWriter _json;
    private bool _committed;

    /// <summary>Starts writing <paramref name="path"/> (through <c>path.tmp</c>).</summary>
    public TraceWriter(string path)
    {
        _path = path;
        _temp = path + ".tmp";
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _stream = new FileStream(_temp, FileMode.Create, FileAccess.Write);
        _json = new Utf8JsonWriter(_stream, new JsonWriterOptions { Encoder = ForgeJson.Compact.Encoder, SkipValidation = true });
    }

    /// <summary>Lines written so far.</summary>
    public int Count { get; private set; }

    /// <summary>Appends one trace.</summary>
    public void Write(PromptRow row, string completion, int completionTokens, IReadOnlyDictionary<string, double?> rewards)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(rewards);
        _json.WriteStartObject();
        _json.WriteString("id", row.Id);
        _json.WriteString("prompt", row.Prompt);
        _json.WriteString("completion", completion);
        _json.WriteNumber("completion_tokens", completionTokens);
        foreach (var (name, value) in row.Columns)
        {
            if (Reserved.Contains(name)) continue;
            _json.WritePropertyName(name);
            value.WriteTo(_json);
        }
        _json.WriteStartObject("rewards");
        foreach (var (name, value) in rewards)
        {
            if (value is double v) _json.WriteNumber(name, v);
            else _json.WriteNull(name);
        }
        _json.WriteEndObject();
        _json.WriteEndObject();
        _json.Flush();
        _json.Reset();
        _stream.WriteByte((byte)'\n');
        Count++;
    }

    /// <summary>Flushes to disk and moves the file into place.</summary>
    public void Commit()
    {
        _json.Dispose();
        _stream.Flush(flushToDisk: true);
        _stream.Dispose();
        File.Move(_temp, _path, overwrite: true);
        _committed = true;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _json.Dispose();
        _stream.Dispose();
        if (!_committed && File.Exists(_temp)) File.Delete(_temp);
    }
}
