using System.Text.Json;
using Forge.Core.Data;
using Forge.Host.Hosting;
using Forge.Host.Plugins;

namespace Forge.Host.Cli;

/// <summary>
/// <c>forge plugins --sha256</c>: the SHA-256 of every file in every plugin folder — what <c>Forge:AllowedPluginSha256</c>
/// has to list — as <c>sha256sum</c> lines (or, with --json, <c>[{"file", "sha256"}]</c>). It reads the configuration
/// for the plugin directories but loads no plugin: hashing a folder runs none of its code.
/// </summary>
internal static class PluginHashes
{
    public static int Write(TextWriter output, HostSettings settings, bool json)
    {
        var forge = ConfigurationSections.Check(ForgeConfiguration.Build(settings));
        var files = PluginFolders.Under(ForgeApplication.PluginDirectories(forge, settings))
            .SelectMany(PluginFiles.Of)
            .Select(file => (File: file, Sha256: PluginFiles.Sha256Of(file)))
            .ToList();
        if (json)
            output.WriteLine(JsonSerializer.Serialize(files.Select(f => new { file = f.File, sha256 = f.Sha256 }), ForgeJson.Compact));
        else
            foreach (var (file, sha256) in files) output.WriteLine($"{sha256}  {file}");
        return 0;
    }
}
