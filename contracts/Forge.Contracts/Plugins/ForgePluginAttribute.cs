using System.Composition;

namespace Forge.Contracts.Plugins;

/// <summary>
/// Exports a plugin module for discovery by the Forge host. Put it on a class implementing <see cref="IForgePlugin"/>.
/// The <see cref="Name"/> is what configuration files use to select the plugin.
/// </summary>
[MetadataAttribute]
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class ForgePluginAttribute : ExportAttribute
{
    /// <summary>Exports the decorated class as the plugin <paramref name="name"/> of the given <paramref name="kind"/>.</summary>
    /// <param name="name">Name used in configuration, e.g. <c>accuracy</c>; lower-case with dashes by convention.</param>
    /// <param name="kind">The role of the plugin.</param>
    public ForgePluginAttribute(string name, PluginKind kind) : base(typeof(IForgePlugin))
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        Kind = kind;
    }

    /// <summary>The plugin's configuration name, unique among plugins of the same kind.</summary>
    public string Name { get; }

    /// <summary>The plugin's role.</summary>
    public PluginKind Kind { get; }

    /// <summary>One-line description shown by <c>forge plugins</c>.</summary>
    public string Description { get; set; } = "";
}
