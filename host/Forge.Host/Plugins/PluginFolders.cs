namespace Forge.Host.Plugins;

/// <summary>The plugin folders under plugin directories: every sub-folder is one plugin; a directory that does not exist has none.</summary>
internal static class PluginFolders
{
    /// <summary>Each directory once (by full path), its sub-folders in ordinal order.</summary>
    public static IEnumerable<string> Under(IEnumerable<string> directories) => directories
        .Select(Path.GetFullPath)
        .Distinct()
        .Where(Directory.Exists)
        .SelectMany(directory => Directory.GetDirectories(directory).Order(StringComparer.Ordinal));
}
