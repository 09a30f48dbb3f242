using System.Security.Cryptography;
using Forge.Core;

namespace Forge.Host.Plugins;

/// <summary>
/// Optional allow-list of SHA-256 hashes (configuration key <c>Forge:AllowedPluginSha256</c>). When it is non-empty,
/// every assembly in a plugin folder must be on it, or the host refuses to start and names the assembly.
/// </summary>
internal sealed class PluginTrust(IReadOnlyCollection<string> allowedSha256)
{
    private readonly HashSet<string> _allowed = new(allowedSha256.Select(h => h.Trim().ToLowerInvariant()));

    public void Check(string pluginFolder)
    {
        if (_allowed.Count == 0) return;
        foreach (string file in Directory.EnumerateFiles(pluginFolder, "*.dll", SearchOption.AllDirectories))
        {
            string hash = Sha256Of(file);
            if (!_allowed.Contains(hash))
                throw new ForgeDataException(
                    $"plugin assembly {file} (sha256 {hash}) is not in the allow-list Forge:AllowedPluginSha256");
        }
    }

    public static string Sha256Of(string file)
    {
        using var stream = Core.Data.BoundedFile.OpenRead(file, "plugin assembly");
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
