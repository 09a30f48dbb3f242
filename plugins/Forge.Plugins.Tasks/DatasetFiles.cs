using Forge.Contracts.Plugins;

namespace Forge.Plugins.Tasks;

/// <summary>A dataset path as files: itself, or, with <c>*</c> or <c>?</c> in its file name, every match in name order.</summary>
internal static class DatasetFiles
{
    private static readonly char[] Wildcards = ['*', '?'];

    /// <param name="pattern">The configured path.</param>
    /// <param name="key">The option that holds it, for errors.</param>
    public static IReadOnlyList<string> Expand(string pattern, string key)
    {
        string name = Path.GetFileName(pattern);
        string folder = Path.GetDirectoryName(pattern) ?? "";
        if (name.IndexOfAny(Wildcards) < 0) return [pattern];
        if (folder.IndexOfAny(Wildcards) >= 0)
            throw new PluginInputException($"{pattern}: wildcards are allowed in the file name only ({key})");
        if (!Directory.Exists(folder.Length == 0 ? "." : folder))
            throw new PluginInputException($"{pattern}: folder '{folder}' not found ({key})");
        var files = Directory.EnumerateFiles(folder.Length == 0 ? "." : folder, name)
            .Select(f => folder.Length == 0 ? Path.GetFileName(f) : Path.Combine(folder, Path.GetFileName(f)))
            .Order(StringComparer.Ordinal)
            .ToList();
        return files.Count > 0 ? files : throw new PluginInputException($"{pattern}: no file matches ({key})");
    }

    /// <summary>Whether <paramref name="path"/> is read as Parquet (by its extension; anything else is JSON Lines).</summary>
    public static bool IsParquet(string path) =>
        path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".pq", StringComparison.OrdinalIgnoreCase);
}
