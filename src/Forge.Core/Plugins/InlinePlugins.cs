using System.Reflection;
using Forge.Contracts.Plugins;
using Forge.Core.Configuration;
using Forge.Core.Pipelines;
using Microsoft.Extensions.Configuration;

namespace Forge.Core.Plugins;

/// <summary>A plugin selected with inline options in a stage, registered as an instance of its own.</summary>
/// <param name="Kind">The plugin kind.</param>
/// <param name="Plugin">The plugin (or configured instance) named.</param>
/// <param name="Section">The inline section (its path names the stage's key).</param>
/// <param name="InstanceName">The name the instance is registered under.</param>
/// <param name="SelectionKeys">Keys of the section that belong to the selection, not to the plugin's options.</param>
public sealed record InlinePlugin(PluginKind Kind, string Plugin, IConfigurationSection Section, string InstanceName, IReadOnlyList<string> SelectionKeys);

/// <summary>
/// Finds the plugins that stages select with inline options (<see cref="PluginSelection"/>, <see cref="RewardSelection"/>),
/// so that the host registers each as an instance whose options are the plugin's global section overlaid by the inline
/// keys — the same binding and validation as any plugin's options, with errors naming the inline keys.
/// </summary>
public static class InlinePlugins
{
    /// <summary>The instance name of <paramref name="plugin"/> selected with options at <paramref name="sectionPath"/>.</summary>
    public static string InstanceName(string plugin, string sectionPath) => $"{plugin}@{sectionPath}";

    /// <summary>True for a name <see cref="InstanceName"/> made (not one a user would type).</summary>
    public static bool IsInstanceName(string name) => name.Contains('@', StringComparison.Ordinal);

    /// <summary>Every inline selection in every pipeline's stages (stages of unknown kinds are left to the pipeline check).</summary>
    public static IReadOnlyList<InlinePlugin> Find(IConfiguration configuration, IEnumerable<StageKind> kinds)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var byName = kinds.ToDictionary(k => k.Name, k => k.OptionsType, StringComparer.Ordinal);
        var found = new List<InlinePlugin>();
        foreach (var pipeline in configuration.GetSection("Pipelines").GetChildren())
            foreach (var stage in pipeline.GetSection("Stages").GetChildren())
                if (stage["Kind"] is { } kind && byName.TryGetValue(kind, out var optionsType))
                    Collect(optionsType, stage, found);
        return found;
    }

    private static void Collect(Type optionsType, IConfigurationSection stage, List<InlinePlugin> found)
    {
        foreach (var property in StrictBinder.Properties(optionsType).Values)
        {
            if (property.GetCustomAttribute<PluginReferenceAttribute>() is not { } reference) continue;
            var section = stage.GetSection(property.Name);
            if (property.PropertyType == typeof(PluginSelection))
            {
                if (HasOwnKeys(section, [nameof(PluginSelection.Plugin)]))
                {
                    string plugin = section[nameof(PluginSelection.Plugin)]
                        ?? throw new ForgeDataException($"{section.Path}:Plugin: missing; options written inline need the plugin's name");
                    found.Add(new InlinePlugin(reference.Kind, plugin, section, InstanceName(plugin, section.Path), [nameof(PluginSelection.Plugin)]));
                }
            }
            else if (StrictBinder.DictionaryValueType(property.PropertyType) == typeof(RewardSelection))
            {
                string[] own = [nameof(RewardSelection.Weight), nameof(RewardSelection.Plugin)];
                foreach (var entry in section.GetChildren().Where(e => HasOwnKeys(e, own)))
                {
                    string plugin = entry[nameof(RewardSelection.Plugin)] ?? entry.Key;
                    found.Add(new InlinePlugin(reference.Kind, plugin, entry, InstanceName(plugin, entry.Path), own));
                }
            }
        }
    }

    private static bool HasOwnKeys(IConfigurationSection section, string[] selectionKeys) =>
        section.GetChildren().Any(c => !selectionKeys.Contains(c.Key, StringComparer.OrdinalIgnoreCase));

    /// <summary>
    /// The options of an inline instance: every key of <paramref name="shared"/> (the plugin's global section), then the
    /// inline keys, as one section at the inline section's path.
    /// </summary>
    public static IConfigurationSection Options(InlinePlugin inline, IConfigurationSection shared)
    {
        ArgumentNullException.ThrowIfNull(inline);
        ArgumentNullException.ThrowIfNull(shared);
        string root = inline.Section.Path;
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var replaced = inline.Section.GetChildren().Select(c => c.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        // A key written inline replaces the shared one whole (a list given inline is the list, not a merge).
        foreach (var (key, value) in shared.AsEnumerable(makePathsRelative: true))
            if (value is not null && !replaced.Contains(key.Split(':')[0])) values[$"{root}:{key}"] = value;
        foreach (var (key, value) in inline.Section.AsEnumerable(makePathsRelative: true))
        {
            string top = key.Split(':')[0];
            if (value is null || inline.SelectionKeys.Contains(top, StringComparer.OrdinalIgnoreCase)) continue;
            values[$"{root}:{key}"] = value;
        }
        return new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection(root);
    }
}
