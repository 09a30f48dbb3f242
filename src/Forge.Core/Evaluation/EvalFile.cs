using System.Text.Json;
using Forge.Core.Data;

namespace Forge.Core.Evaluation;

/// <summary>Writes an evaluation report as indented JSON, atomically.</summary>
public static class EvalFile
{
    /// <summary>Writes <paramref name="report"/> to <paramref name="path"/> (temporary file, then rename).</summary>
    public static void Write(string path, EvalReport report)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(report, ForgeJson.Indented));
        File.Move(path + ".tmp", path, overwrite: true);
    }
}
