using Forge.Contracts.Plugins;
using Forge.Core;
using Forge.Core.Plugins;
using Forge.Host.Plugins;
using Microsoft.Extensions.Configuration;

namespace Forge.Host.Hosting;

/// <summary>One registration of a plugin: under its own name, or under another name with other options.</summary>
/// <param name="Name">The name stages use to select it.</param>
/// <param name="Plugin">The plugin that implements it.</param>
/// <param name="Options">The section its options bind from.</param>
internal sealed record PluginInstance(string Name, PluginDescriptor Plugin, IConfigurationSection Options);

/// <summary>
/// Every plugin is registered under its own name with options from <c>&lt;Kind&gt;:&lt;name&gt;</c>. A section
/// <c>&lt;Kind&gt;:&lt;alias&gt;</c> holding <c>Plugin</c> registers that plugin once more under the alias with the
/// options in <c>&lt;Kind&gt;:&lt;alias&gt;:Options</c> — e.g. two arithmetic tasks of different difficulty, or two
/// language-consistency rewards for two target languages.
/// </summary>
internal static class PluginInstances
{
    public static IReadOnlyList<PluginInstance> From(IConfiguration configuration, PluginCatalog catalog, IEnumerable<Core.Pipelines.StageKind> kinds)
    {
        var instances = catalog.Plugins
            .Select(p => new PluginInstance(p.Name, p, configuration.GetSection(PluginKinds.SectionPath(p.Kind, p.Name))))
            .ToList();
        foreach (var kind in Enum.GetValues<PluginKind>())
        {
            foreach (var section in configuration.GetSection(PluginKinds.SectionName(kind)).GetChildren())
            {
                string? target = section["Plugin"];
                if (target is null)
                {
                    if (catalog.Plugins.Any(p => p.Kind == kind && p.Name == section.Key)) continue;
                    var names = catalog.Plugins.Where(p => p.Kind == kind).Select(p => p.Name);
                    throw new ForgeDataException($"{section.Path}: no {PluginKinds.DisplayName(kind)} plugin named '{section.Key}' (an instance of another plugin needs a Plugin key); {Core.Configuration.KeySuggestion.For(section.Key, names, "plugins")}");
                }
                if (catalog.Plugins.Any(p => p.Kind == kind && p.Name == section.Key))
                    throw new ForgeDataException($"{section.Path}:Plugin: '{section.Key}' is already a {PluginKinds.DisplayName(kind)} plugin's name; choose another name for this instance");
                var plugin = catalog.Plugins.FirstOrDefault(p => p.Kind == kind && p.Name == target)
                    ?? throw new ForgeDataException($"{section.Path}:Plugin: no {PluginKinds.DisplayName(kind)} plugin named '{target}'; available: {string.Join(", ", catalog.Plugins.Where(p => p.Kind == kind).Select(p => p.Name).Order(StringComparer.Ordinal))}");
                var unknown = section.GetChildren().Select(c => c.Key).Where(k => k is not ("Plugin" or "Options")).ToList();
                if (unknown.Count > 0)
                    throw new ForgeDataException($"{section.Path}:{unknown[0]}: an instance section holds only Plugin and Options");
                instances.Add(new PluginInstance(section.Key, plugin, section.GetSection("Options")));
            }
        }
        var configured = instances.ToList();
        foreach (var inline in InlinePlugins.Find(configuration, kinds))
        {
            var target = configured.FirstOrDefault(i => i.Plugin.Kind == inline.Kind && i.Name == inline.Plugin)
                ?? throw new ForgeDataException($"{inline.Section.Path}{(inline.Section[nameof(PluginSelection.Plugin)] is null ? "" : ":Plugin")}: no {PluginKinds.DisplayName(inline.Kind)} plugin named '{inline.Plugin}'; {Core.Configuration.KeySuggestion.For(inline.Plugin, configured.Where(i => i.Plugin.Kind == inline.Kind).Select(i => i.Name), "available")}");
            instances.Add(new PluginInstance(inline.InstanceName, target.Plugin, InlinePlugins.Options(inline, target.Options)));
        }
        return instances;
    }
}
