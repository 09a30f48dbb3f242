using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Forge.Core.Configuration;
using Microsoft.Extensions.Configuration;

namespace Forge.Host.Runs;

/// <summary>
/// A configuration section as JSON that reads back as the same configuration: numbers and booleans typed where the
/// options class says so (and, in sections no class describes, where the text is a JSON number or true/false), lists
/// as arrays, everything else a string. A number keeps its text exactly, so reading the file back gives the very
/// strings the run bound.
/// </summary>
internal static partial class TypedConfigurationJson
{
    /// <summary>Rewrites the value of a path setting (<see cref="PathSettingAttribute"/>).</summary>
    public delegate string PathRewrite(string value, PathSettingAttribute setting);

    /// <summary>Objects whose keys, like configuration's, ignore case (so a later key replaces a differently cased one).</summary>
    public static JsonObject NewObject() => new(new JsonNodeOptions { PropertyNameCaseInsensitive = true });

    /// <summary><paramref name="section"/> as JSON, typed by <paramref name="type"/> (null: no class describes it).</summary>
    public static JsonNode? From(IConfigurationSection section, Type? type, PathRewrite? paths = null)
    {
        ArgumentNullException.ThrowIfNull(section);
        return Node(section, type, null, paths);
    }

    private static JsonNode? Node(IConfigurationSection section, Type? type, PropertyInfo? property, PathRewrite? paths)
    {
        if (type == typeof(IConfigurationSection)) type = null;
        var underlying = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        var children = section.GetChildren().ToList();
        if (children.Count == 0)
        {
            // No value and no keys: an empty JSON object or array in some layer; written back the same way.
            bool list = underlying is not null && underlying != typeof(string) && StrictBinder.ListElementType(underlying) is not null;
            if (list && string.IsNullOrEmpty(section.Value)) return new JsonArray();
            if (section.Value is null) return NewObject();
            if (underlying is not null && underlying.GetCustomAttribute<ScalarBindingAttribute>() is { } scalar)
            {
                var target = StrictBinder.Properties(underlying)[scalar.Property];
                return Scalar(section.Value, target.PropertyType, target, paths);
            }
            return Scalar(section.Value, underlying, property, paths);
        }
        if (underlying is not null && StrictBinder.DictionaryValueType(underlying) is { } valueType)
            return Object(children, _ => (valueType, null), paths);
        if (underlying is not null && StrictBinder.ListElementType(underlying) is { } elementType)
        {
            var array = new JsonArray();
            foreach (var child in children.OrderBy(c => int.TryParse(c.Key, out int i) ? i : int.MaxValue))
                array.Add(Node(child, elementType, null, paths));
            return array;
        }
        if (underlying is not null && underlying.IsClass && underlying != typeof(string))
            return Object(children, key => Find(underlying, key) is { } p ? (p.PropertyType, p) : (null, null), paths);
        return Object(children, _ => (null, null), paths);
    }

    private static JsonObject Object(List<IConfigurationSection> children, Func<string, (Type?, PropertyInfo?)> typeOf, PathRewrite? paths)
    {
        var json = NewObject();
        foreach (var child in children)
        {
            var (type, property) = typeOf(child.Key);
            json[child.Key] = Node(child, type, property, paths);
        }
        return json;
    }

    /// <summary>The property a key binds to, flattened properties' keys included.</summary>
    private static PropertyInfo? Find(Type type, string key)
    {
        var properties = StrictBinder.Properties(type);
        if (properties.TryGetValue(key, out var property) && property.GetCustomAttribute<FlattenAttribute>() is null) return property;
        return properties.Values.Where(p => p.GetCustomAttribute<FlattenAttribute>() is not null)
            .Select(p => Find(p.PropertyType, key)).FirstOrDefault(p => p is not null);
    }

    private static JsonNode Scalar(string value, Type? type, PropertyInfo? property, PathRewrite? paths)
    {
        var underlying = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(string))
            return property?.GetCustomAttribute<PathSettingAttribute>() is { } setting && paths is not null ? paths(value, setting) : value;
        if (underlying == typeof(bool) || (underlying is null && (value.Equals("true", StringComparison.OrdinalIgnoreCase) || value.Equals("false", StringComparison.OrdinalIgnoreCase))))
            return bool.TryParse(value.Trim(), out bool b) ? JsonValue.Create(b) : value;
        if ((underlying is null || IsNumber(underlying)) && JsonNumber().IsMatch(value))
            return JsonNode.Parse(value)!; // the number's own text, kept as written
        return value;
    }

    private static bool IsNumber(Type type) =>
        type == typeof(int) || type == typeof(long) || type == typeof(double) || type == typeof(float) || type == typeof(decimal)
        || type == typeof(short) || type == typeof(byte) || type == typeof(uint) || type == typeof(ulong);

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$")]
    private static partial Regex JsonNumber();
}
