using System.ComponentModel;
using Forge.Core.Configuration;
using Microsoft.Extensions.Configuration;

namespace Forge.Core.Plugins;

/// <summary>
/// One entry of a stage's <c>Rewards</c>: a weight (<c>"accuracy": 1.0</c>), or a weight with the reward's options for
/// this stage (<c>"language-consistency": { "Weight": 0.1, "Language": "en" }</c>), optionally under another name
/// (<c>"lc-de": { "Plugin": "language-consistency", "Weight": 0.1, "Language": "de" }</c>). The entry's name is the
/// reward's name in metrics (<c>reward/&lt;name&gt;/mean</c>).
/// </summary>
[ScalarBinding(nameof(Weight))]
public sealed class RewardSelection
{
    /// <summary>The reward's weight in the total.</summary>
    [Description("Weight of the reward in the total")]
    public double Weight { get; set; } = 1.0;

    /// <summary>The reward plugin, when it differs from the entry's name.</summary>
    [Description("The reward plugin (default: the entry's name)")]
    public string? Plugin { get; set; }

    /// <summary>The entry's section when it carries options of the reward; null otherwise.</summary>
    [InlineSection]
    public IConfigurationSection? Inline { get; set; }

    /// <summary>The plugin named by entry <paramref name="name"/>.</summary>
    public string PluginOf(string name) => Plugin ?? name;

    /// <summary>The name the reward is registered under for entry <paramref name="name"/>.</summary>
    public string InstanceName(string name) => Inline is null ? PluginOf(name) : InlinePlugins.InstanceName(PluginOf(name), Inline.Path);
}
