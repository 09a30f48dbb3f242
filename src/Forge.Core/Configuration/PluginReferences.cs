using System.Collections;
using System.Reflection;
using Forge.Contracts.Plugins;
using Forge.Core.Plugins;
using Microsoft.Extensions.Configuration;

namespace Forge.Core.Configuration;

/// <summary>One plugin an options object names.</summary>
/// <param name="Kind">The plugin kind.</param>
/// <param name="Plugin">The plugin (or configured instance) as the user named it.</param>
/// <param name="Instance">The name it is registered under for this use (an inline selection's <c>name@key</c>).</param>
/// <param name="Key">The full key that names it, for messages.</param>
public sealed record PluginReference(PluginKind Kind, string Plugin, string Instance, string Key);

/// <summary>
/// The plugins an options object names through <see cref="PluginReferenceAttribute"/> properties — names,
/// <see cref="PluginSelection"/>s, reward entries and dictionaries of names — nested option sections included.
/// The one walk behind the pipeline check and the dry run.
/// </summary>
public static class PluginReferences
{
    /// <summary>Every reference in <paramref name="options"/> bound at <paramref name="path"/>; <paramref name="descend"/> picks the nested sections walked.</summary>
    public static IEnumerable<PluginReference> Of(object options, string path, Func<PropertyInfo, bool>? descend = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var property in StrictBinder.Properties(options.GetType()).Values)
        {
            object? value = property.GetValue(options);
            if (value is null) continue;
            string key = property.GetCustomAttribute<FlattenAttribute>() is null ? $"{path}:{property.Name}" : path;
            if (property.GetCustomAttribute<PluginReferenceAttribute>() is { } reference)
            {
                foreach (var found in Named(reference, value, key)) yield return found;
            }
            else if (value is not string && !value.GetType().IsValueType && value is not IEnumerable && value is not IConfigurationSection
                && (descend?.Invoke(property) ?? true))
            {
                foreach (var nested in Of(value, key, descend)) yield return nested;
            }
        }
    }

    private static IEnumerable<PluginReference> Named(PluginReferenceAttribute reference, object value, string key)
    {
        switch (value)
        {
            case string name:
                yield return new(reference.Kind, name, name, key);
                break;
            case PluginSelection selection:
                yield return new(reference.Kind, selection.Plugin, selection.InstanceName, selection.Inline is null ? key : $"{key}:Plugin");
                break;
            case IDictionary<string, RewardSelection> rewards:
                foreach (var (entry, reward) in rewards)
                    yield return new(reference.Kind, reward.PluginOf(entry), reward.InstanceName(entry), reward.Plugin is null ? $"{key}:{entry}" : $"{key}:{entry}:Plugin");
                break;
            case IDictionary names:
                foreach (DictionaryEntry entry in names)
                {
                    string entryKey = (string)entry.Key;
                    yield return new(reference.Kind, entryKey, entryKey, $"{key}:{entryKey}");
                    if (reference.ValuesAreNames && entry.Value is string target) yield return new(reference.ValueKind, target, target, $"{key}:{entryKey}");
                }
                break;
        }
    }
}
