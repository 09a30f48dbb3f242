using System.Security.Cryptography;
using Forge.Core;

namespace Forge.Host.Plugins;

/// <summary>
/// Every file under a plugin folder, at any depth and with any name: what the plugin's load context could read —
/// assemblies, <c>.deps.json</c> and <c>.runtimeconfig.json</c>, native libraries, satellite resources, or a dependency
/// that a <c>.deps.json</c> names with another extension. So it is what the allow-list has to cover.
/// </summary>
internal static class PluginFiles
{
    private static readonly EnumerationOptions Everything = new()
    {
        RecurseSubdirectories = true,
        AttributesToSkip = 0,       // dot-files are "hidden" on Unix: they count too
        IgnoreInaccessible = false, // a file that cannot be read cannot be vouched for
        MatchType = MatchType.Simple,
    };

    /// <summary>The full paths of every file under <paramref name="folder"/>, in ordinal order.</summary>
    public static IReadOnlyList<string> Of(string folder)
    {
        try
        {
            return Directory.EnumerateFiles(folder, "*", Everything).Order(StringComparer.Ordinal).ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ForgeDataException($"plugin folder {folder} cannot be listed: {ex.Message}", ex);
        }
    }

    /// <summary>The lowercase hex SHA-256 of <paramref name="file"/>'s contents.</summary>
    public static string Sha256Of(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
