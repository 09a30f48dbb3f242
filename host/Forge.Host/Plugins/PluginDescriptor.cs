using Forge.Contracts.Plugins;

namespace Forge.Host.Plugins;

/// <summary>One discovered plugin export: what <c>forge plugins</c> lists and what the host registers.</summary>
/// <param name="Name">Exported name.</param>
/// <param name="Kind">Exported kind.</param>
/// <param name="Description">One-line description.</param>
/// <param name="Version">Informational version of the plugin assembly.</param>
/// <param name="AssemblyPath">Full path of the assembly that exports it.</param>
/// <param name="Module">The plugin's entry point.</param>
internal sealed record PluginDescriptor(
    string Name, PluginKind Kind, string Description, string Version, string AssemblyPath, IForgePlugin Module);
