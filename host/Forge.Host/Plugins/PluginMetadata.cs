using Forge.Contracts.Plugins;

namespace Forge.Host.Plugins;

/// <summary>MEF metadata view of <see cref="ForgePluginAttribute"/> (MEF2 needs a concrete class here, not an interface).</summary>
public sealed class PluginMetadata
{
    /// <summary>Exported name.</summary>
    public string Name { get; set; } = "";

    /// <summary>Exported kind.</summary>
    public PluginKind Kind { get; set; }

    /// <summary>One-line description.</summary>
    public string Description { get; set; } = "";
}
