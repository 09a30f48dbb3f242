using System.Reflection;
using Forge.Contracts.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Host.Plugins;

/// <summary>
/// What every plugin load context shares with the host: the contracts, TorchSharp and Microsoft.Extensions.* and
/// System.Composition. Without sharing, a plugin's <c>IRewardModel</c> or <c>torch.Tensor</c> would be a different type
/// from the host's (shared/docs/plugins.md). Everything else a plugin carries stays private to it.
/// </summary>
internal static class SharedAssemblies
{
    private static readonly string[] SharedPrefixes = ["Microsoft.Extensions.", "System.Composition", "TorchSharp", "Forge.Contracts"];

    /// <summary>Types whose assemblies (and their references) are shared.</summary>
    public static Type[] Types { get; } =
    [
        typeof(IForgePlugin),
        typeof(TorchSharp.torch),
        typeof(IServiceCollection),
        typeof(Microsoft.Extensions.Configuration.IConfiguration),
        typeof(Microsoft.Extensions.Options.IOptions<>),
        typeof(Microsoft.Extensions.Logging.ILogger),
        typeof(System.Composition.ExportAttribute),
    ];

    /// <summary>Every assembly beside the host whose name marks it as shared.</summary>
    public static IEnumerable<AssemblyName> Names()
    {
        foreach (string file in Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll"))
        {
            string name = Path.GetFileNameWithoutExtension(file);
            if (SharedPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal)))
                yield return new AssemblyName(name);
        }
    }

    /// <summary>True when an assembly of this name is provided by the host rather than by a plugin folder.</summary>
    public static bool IsShared(string assemblyName) =>
        SharedPrefixes.Any(prefix => assemblyName.StartsWith(prefix, StringComparison.Ordinal));
}
