using System.ComponentModel;
using Forge.Core.Configuration;
using Microsoft.Extensions.Configuration;

namespace Forge.Core.Plugins;

/// <summary>
/// Where a stage names a plugin: its name (<c>"Optimizer": "grpo"</c>), or its name with options for this stage only
/// (<c>"Optimizer": { "Plugin": "grpo", "Beta": 0.02 }</c>) laid over the plugin's global section
/// (<c>Optimizers:grpo</c>), which stays the shared default.
/// </summary>
[ScalarBinding(nameof(Plugin))]
public sealed class PluginSelection
{
    /// <summary>Creates a selection of <paramref name="plugin"/> with no inline options.</summary>
    public PluginSelection(string plugin) => Plugin = plugin;

    /// <summary>Creates an empty selection (for the binder).</summary>
    public PluginSelection() : this("") { }

    /// <summary>The plugin's name (or a configured instance's).</summary>
    [Description("The plugin's name")]
    public string Plugin { get; set; }

    /// <summary>The selection's section when it carries options of the plugin; null otherwise.</summary>
    [InlineSection]
    public IConfigurationSection? Inline { get; set; }

    /// <summary>The name the plugin is registered under for this selection (<see cref="InlinePlugins.InstanceName"/>).</summary>
    public string InstanceName => Inline is null ? Plugin : InlinePlugins.InstanceName(Plugin, Inline.Path);

    /// <inheritdoc />
    public override string ToString() => Plugin;
}
