using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Forge.Core.Configuration;
using Forge.Core.Data;
using Forge.Core.Plugins;
using Forge.Host.Hosting;
using Microsoft.Extensions.Configuration;

namespace Forge.Host.Runs;

/// <summary>One effective setting: its key within its section, its value as text, and the layer it came from.</summary>
/// <param name="Key">The key relative to the section (<c>Training:LearningRate</c>).</param>
/// <param name="Value">The value as configuration would spell it; <c>(none)</c> for an unset optional one.</param>
/// <param name="Source"><c>default</c>, <c>appsettings.json</c>, <c>--config FILE</c>, <c>env FORGE_…</c> or <c>--set</c>.</param>
internal sealed record EffectiveSetting(string Key, string Value, string Source);

/// <summary>
/// Every setting of a bound options object, defaults included: nested sections as <c>Outer:Inner</c> keys, each
/// dictionary entry its own key, lists on one line; with where each value came from.
/// </summary>
internal static class EffectiveSettings
{
    /// <summary>The value of an optional setting that is not set.</summary>
    public const string None = "(none)";

    /// <summary>The settings of <paramref name="options"/>, bound from <paramref name="section"/>, in key order; <paramref name="skip"/> leaves keys out.</summary>
    public static IReadOnlyList<EffectiveSetting> Of(object options, string section, ConfigurationLayers layers, params string[] skip)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = new List<EffectiveSetting>();
        AddProperties(settings, options, "", section, layers, skip);
        return Ordered(settings);
    }

    /// <summary>The values under <paramref name="section"/> as configuration holds them (for options no class describes).</summary>
    public static IReadOnlyList<EffectiveSetting> Of(IConfigurationSection section, ConfigurationLayers layers)
    {
        var settings = new List<EffectiveSetting>();
        foreach (var child in section.GetChildren()) AddSection(settings, child, child.Key, layers);
        return Ordered(settings);
    }

    private static List<EffectiveSetting> Ordered(List<EffectiveSetting> settings) =>
        settings.OrderBy(s => s.Key, StringComparer.OrdinalIgnoreCase).ToList();

    private static void AddProperties(List<EffectiveSetting> into, object options, string key, string path, ConfigurationLayers layers, string[] skip)
    {
        // A section given as one value ("Teacher": "checkpoints/rl") sets the property the type names for it.
        string? scalar = options.GetType().GetCustomAttribute<ScalarBindingAttribute>()?.Property;
        foreach (var property in StrictBinder.Properties(options.GetType()).Values)
        {
            if (skip.Contains(property.Name, StringComparer.OrdinalIgnoreCase)) continue;
            object? value = property.GetValue(options);
            if (property.GetCustomAttribute<FlattenAttribute>() is not null && value is not null)
                AddProperties(into, value, key, path, layers, []);
            else if (property.Name == scalar && value is not null && layers.SourceOf($"{path}:{property.Name}") == ConfigurationLayers.Default)
                into.Add(new EffectiveSetting(Join(key, property.Name), Text(value), layers.SourceOf(path)));
            else
                Add(into, value, Join(key, property.Name), $"{path}:{property.Name}", layers);
        }
    }

    private static void Add(List<EffectiveSetting> into, object? value, string key, string path, ConfigurationLayers layers)
    {
        switch (value)
        {
            case null:
                into.Add(new EffectiveSetting(key, None, layers.SourceOf(path)));
                break;
            case PluginSelection selection: // its inline options show under the plugin's own group
                into.Add(new EffectiveSetting(key, selection.Plugin, layers.SourceOf(selection.Inline is null ? path : $"{path}:Plugin")));
                break;
            case RewardSelection reward:
                into.Add(new EffectiveSetting(key, Text(reward.Weight), layers.SourceOf(reward.Inline is null && reward.Plugin is null ? path : $"{path}:Weight")));
                if (reward.Plugin is not null) into.Add(new EffectiveSetting($"{key}:Plugin", reward.Plugin, layers.SourceOf($"{path}:Plugin")));
                break;
            case IConfigurationSection section when section.GetChildren().Any():
                foreach (var child in section.GetChildren()) AddSection(into, child, Join(key, child.Key), layers);
                break;
            case IConfigurationSection section:
                into.Add(new EffectiveSetting(key, section.Value ?? None, layers.SourceOf(path)));
                break;
            case IDictionary dictionary when dictionary.Count > 0:
                foreach (DictionaryEntry entry in dictionary)
                    Add(into, entry.Value, $"{key}:{entry.Key}", $"{path}:{entry.Key}", layers);
                break;
            case IDictionary:
                into.Add(new EffectiveSetting(key, "{}", layers.SourceOf(path)));
                break;
            case string or IEnumerable or ValueType:
                into.Add(new EffectiveSetting(key, Text(value), layers.SourceOf(path)));
                break;
            default:
                AddProperties(into, value, key, path, layers, []);
                break;
        }
    }

    private static void AddSection(List<EffectiveSetting> into, IConfigurationSection section, string key, ConfigurationLayers layers)
    {
        var children = section.GetChildren().ToList();
        if (children.Count == 0) into.Add(new EffectiveSetting(key, section.Value ?? None, layers.SourceOf(section.Path)));
        foreach (var child in children) AddSection(into, child, $"{key}:{child.Key}", layers);
    }

    /// <summary>A bound value as configuration spells it: invariant numbers, lower-case booleans, lists as JSON.</summary>
    public static string Text(object? value) => value switch
    {
        null => None,
        "" => "\"\"",
        string text => text,
        bool b => b ? "true" : "false",
        TimeSpan span => span.ToString("c", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        Enum e => e.ToString(),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable list => JsonSerializer.Serialize(list, ForgeJson.Compact),
        _ => value.ToString() ?? None,
    };

    private static string Join(string key, string name) => key.Length == 0 ? name : $"{key}:{name}";
}
