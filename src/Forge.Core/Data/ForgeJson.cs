using System.Text.Encodings.Web;
using System.Text.Json;

namespace Forge.Core.Data;

/// <summary>JSON settings for everything Forge writes: compact lines, text left readable (no \u003C for '&lt;').</summary>
public static class ForgeJson
{
    /// <summary>One object per line (JSONL, CLI output).</summary>
    public static JsonSerializerOptions Compact { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Indented files meant for people (summary.json).</summary>
    public static JsonSerializerOptions Indented { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, WriteIndented = true };
}
