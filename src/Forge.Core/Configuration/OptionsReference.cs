using System.Collections;
using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Text;
using Forge.Core.Plugins;
using Microsoft.Extensions.Configuration;

namespace Forge.Core.Configuration;

/// <summary>
/// The configuration reference as Markdown, generated from options classes: every key (nested sections as
/// <c>Training:LearningRate</c>), what it takes, its default and its help text (<see cref="DescriptionAttribute"/>).
/// README's configuration reference is this text, and a test keeps the two equal.
/// </summary>
public static class OptionsReference
{
    /// <summary>One table: a heading, then a row per key of <paramref name="type"/>.</summary>
    public static string Table(string heading, Type type, string? note = null)
    {
        ArgumentNullException.ThrowIfNull(type);
        var text = new StringBuilder();
        text.Append(heading).Append("\n\n");
        if (note is not null) text.Append(note).Append("\n\n");
        var rows = new List<string>();
        Rows(type, Activator.CreateInstance(type), "", rows);
        if (rows.Count == 0) return text.Append("No options.\n").ToString();
        text.Append("| key | value | default | meaning |\n|---|---|---|---|\n");
        foreach (string row in rows) text.Append(row).Append('\n');
        return text.ToString();
    }

    private static void Rows(Type type, object? instance, string prefix, List<string> rows)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                     .Where(p => p.CanWrite && p.GetCustomAttribute<InlineSectionAttribute>() is null)
                     .OrderBy(p => Depth(p.DeclaringType!)))
        {
            object? value = instance is null ? null : property.GetValue(instance);
            if (property.GetCustomAttribute<FlattenAttribute>() is not null)
            {
                Rows(property.PropertyType, value, prefix, rows);
                continue;
            }
            string key = prefix + property.Name;
            var nested = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (IsSection(nested))
            {
                Rows(nested, value ?? Activator.CreateInstance(nested), key + ":", rows);
                continue;
            }
            string help = property.GetCustomAttribute<DescriptionAttribute>()?.Description ?? "";
            rows.Add($"| `{key}` | {Escape(What(property))} | {Escape(Default(value))} | {Escape(help)} |");
        }
    }

    /// <summary>Base classes' keys first (Name, Kind, Device … before a stage kind's own).</summary>
    private static int Depth(Type type) => type.BaseType is null ? 0 : 1 + Depth(type.BaseType);

    private static bool IsSection(Type type) =>
        type.IsClass && type != typeof(string) && !type.IsArray && type != typeof(PluginSelection) && type != typeof(RewardSelection)
        && !typeof(IEnumerable).IsAssignableFrom(type) && !typeof(IConfigurationSection).IsAssignableFrom(type)
        && type.GetConstructor(Type.EmptyTypes) is not null;

    private static string What(PropertyInfo property)
    {
        var type = property.PropertyType;
        string what = type == typeof(PluginSelection) ? "plugin name, or { Plugin, …its options }"
            : StrictBinder.DictionaryValueType(type) == typeof(RewardSelection) ? "{ name: weight, or name: { Weight, Plugin, …its options } }"
            : typeof(IConfigurationSection).IsAssignableFrom(type) ? "section"
            : StrictBinder.DictionaryValueType(type) is { } value ? $"{{ name: {StrictBinder.Describe(value)} }}"
            : StrictBinder.Describe(type);
        if (property.GetCustomAttribute<RangeAttribute>() is { } range) what += $" in [{Show(range.Minimum)}, {Show(range.Maximum)}]";
        if (property.GetCustomAttribute<RequiredAttribute>() is not null) what += ", required";
        return what;
    }

    private static string Default(object? value) => value switch
    {
        null => "—",
        string s => s.Length == 0 ? "\"\"" : s,
        bool b => b ? "true" : "false",
        PluginSelection selection => selection.Plugin,
        TimeSpan span => span.ToString("c", CultureInfo.InvariantCulture),
        IDictionary { Count: 0 } or ICollection { Count: 0 } => "empty",
        IEnumerable items and not string => string.Join(", ", items.Cast<object>().Select(Default)),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Show(object? value) => value switch
    {
        int.MaxValue => "2³¹−1",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value?.ToString() ?? "",
    };

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
