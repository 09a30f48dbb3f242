using System.Collections;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Forge.Core.Configuration;

/// <summary>
/// Binds a configuration section to an options type the way <c>ErrorOnUnknownConfiguration</c> intends, but with
/// errors a user can act on: one line naming the full key path, "did you mean …?" for an unknown key, and the expected
/// type in words ("an integer", "one of Cosine, Linear, Constant", "a duration such as 5s"). Supports scalars, enums,
/// <see cref="TimeSpan"/> (see <see cref="Duration"/>), nullable scalars, nested option classes, lists, string-keyed
/// dictionaries and raw <see cref="IConfigurationSection"/> properties (kept as given, for free-form sections).
/// </summary>
public static class StrictBinder
{
    /// <summary>Binds <paramref name="section"/> to a new <typeparamref name="T"/> (defaults where keys are absent).</summary>
    public static T Bind<T>(IConfigurationSection section) where T : new() => (T)Bind(typeof(T), section);

    /// <summary>Binds <paramref name="section"/> to a new instance of <paramref name="type"/>.</summary>
    public static object Bind(Type type, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(section);
        return BindObject(type, section, Activator.CreateInstance(type)!);
    }

    /// <summary>Binds <paramref name="section"/> onto <paramref name="instance"/>, keeping its values where keys are absent.</summary>
    public static object BindObject(Type type, IConfigurationSection section, object instance)
    {
        var properties = Properties(type);
        if (section.Value is { Length: > 0 } scalar && !section.GetChildren().Any())
        {
            var target = type.GetCustomAttribute<ScalarBindingAttribute>()?.Property;
            if (target is null) throw new ForgeDataException($"{section.Path}: expected a section of keys ({string.Join(", ", properties.Keys.Order(StringComparer.Ordinal))}), not the value '{scalar}'");
            properties[target].SetValue(instance, ConvertScalar(properties[target].PropertyType, scalar, section.Path));
            return instance;
        }
        // Layers can leave both a value and keys under one key ("Optimizer": {"Plugin": "grpo", …} in a file, then
        // --set Optimizer=ppo): the keys win, so a value that contradicts them is refused rather than ignored.
        if (section.Value is { Length: > 0 } shadowed && type.GetCustomAttribute<ScalarBindingAttribute>()?.Property is { } bound
            && section[bound] is { } explicitValue && explicitValue != shadowed)
            throw new ForgeDataException($"{section.Path}: given both as '{shadowed}' and with {section.Key}:{bound} '{explicitValue}'; set {section.Key}:{bound}");
        var flattened = properties.Values.Where(p => p.GetCustomAttribute<FlattenAttribute>() is not null).ToList();
        var inline = properties.Values.FirstOrDefault(p => p.GetCustomAttribute<InlineSectionAttribute>() is not null);
        foreach (var child in section.GetChildren())
        {
            var (owner, property) = Find(instance, properties, flattened, child.Key);
            if (property is not null && property == inline) property = null;
            if (property is null && inline is not null)
            {
                inline.SetValue(instance, section); // the plugin's own keys, checked against its options class
                continue;
            }
            if (property is null)
                throw new ForgeDataException($"{child.Path}: unknown key; {KeySuggestion.For(child.Key, Keys(type))}");
            if (property.PropertyType == typeof(string) && child.Value is "" && !child.GetChildren().Any())
            {
                // An empty value (--set Key=) clears an optional setting and leaves a required one at its default.
                if (new NullabilityInfoContext().Create(property).WriteState == NullabilityState.Nullable) property.SetValue(owner, null);
                continue;
            }
            property.SetValue(owner, BindValue(property.PropertyType, child, property.GetValue(owner)));
        }
        return instance;
    }

    /// <summary>Every key a section of <paramref name="type"/> may hold, flattened properties' keys included.</summary>
    public static IEnumerable<string> Keys(Type type) => Properties(type).Values
        .Where(p => p.GetCustomAttribute<InlineSectionAttribute>() is null)
        .SelectMany(p => p.GetCustomAttribute<FlattenAttribute>() is null ? [p.Name] : Keys(p.PropertyType));

    private static (object Owner, PropertyInfo? Property) Find(object instance, Dictionary<string, PropertyInfo> properties,
        List<PropertyInfo> flattened, string key)
    {
        if (properties.TryGetValue(key, out var property) && property.GetCustomAttribute<FlattenAttribute>() is null) return (instance, property);
        foreach (var inner in flattened)
        {
            object owner = inner.GetValue(instance) ?? Activator.CreateInstance(inner.PropertyType)!;
            inner.SetValue(instance, owner);
            var innerProperties = Properties(inner.PropertyType);
            var (found, match) = Find(owner, innerProperties, innerProperties.Values.Where(p => p.GetCustomAttribute<FlattenAttribute>() is not null).ToList(), key);
            if (match is not null) return (found, match);
        }
        return (instance, null);
    }

    /// <summary>The bindable properties of <paramref name="type"/> by configuration key (case-insensitive, as the binder).</summary>
    public static Dictionary<string, PropertyInfo> Properties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetIndexParameters().Length == 0)
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);

    private static object? BindValue(Type type, IConfigurationSection section, object? current)
    {
        if (type == typeof(IConfigurationSection)) return section;
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (IsScalar(underlying))
        {
            if (section.GetChildren().Any())
                throw new ForgeDataException($"{section.Path}: expected {Describe(type)}, not a section");
            if (section.Value is null or "" && (Nullable.GetUnderlyingType(type) is not null || type == typeof(string))) return type == typeof(string) ? section.Value : null;
            return ConvertScalar(type, section.Value ?? "", section.Path);
        }
        if (DictionaryValueType(type) is { } valueType)
        {
            if (section.Value is { Length: > 0 } && !section.GetChildren().Any())
                throw new ForgeDataException($"{section.Path}: expected a section of name → {Describe(valueType)}, not the value '{section.Value}'");
            var dictionary = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(typeof(string), valueType))!;
            foreach (var child in section.GetChildren()) dictionary[child.Key] = BindValue(valueType, child, null);
            return dictionary;
        }
        if (ListElementType(type) is { } elementType)
        {
            if (section.Value is { Length: > 0 } && !section.GetChildren().Any())
                throw new ForgeDataException($"{section.Path}: expected a list, each {Describe(elementType)} (in JSON [\"…\"], or {section.Key}:0=…), not the single value '{section.Value}'");
            var items = new List<object?>();
            foreach (var child in section.GetChildren().OrderBy(c => int.TryParse(c.Key, out int i) ? i : int.MaxValue))
            {
                if (!int.TryParse(child.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                    throw new ForgeDataException($"{child.Path}: expected a list index (0, 1, …), not '{child.Key}'");
                items.Add(BindValue(elementType, child, null));
            }
            var array = Array.CreateInstance(elementType, items.Count);
            for (int i = 0; i < items.Count; i++) array.SetValue(items[i], i);
            return type.IsArray || type.IsInterface ? array : Activator.CreateInstance(type, array);
        }
        if (type.IsClass)
            return BindObject(type, section, current ?? Activator.CreateInstance(type)!);
        throw new InvalidOperationException($"{section.Path}: cannot bind type {type}");
    }

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan);

    private static object ConvertScalar(Type type, string value, string path)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        string text = value.Trim();
        object? result = underlying switch
        {
            _ when underlying == typeof(string) => value,
            _ when underlying == typeof(bool) => bool.TryParse(text, out bool b) ? b : null,
            _ when underlying == typeof(int) => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int i) ? i : null,
            _ when underlying == typeof(long) => long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long l) ? l : null,
            _ when underlying == typeof(double) => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d) ? d : null,
            _ when underlying == typeof(float) => float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float f) && float.IsFinite(f) ? f : null,
            _ when underlying.IsEnum => Enum.GetNames(underlying).FirstOrDefault(n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase)) is { } name
                ? Enum.Parse(underlying, name) : null,
            _ when underlying == typeof(TimeSpan) => Duration.TryParse(text, out var span, out string? error) ? span
                : throw new ForgeDataException($"{path}: {error}"),
            _ => throw new InvalidOperationException($"{path}: cannot bind type {type}"),
        };
        return result ?? throw new ForgeDataException($"{path}: '{value}' is not {Describe(type)}");
    }

    /// <summary>The expected type in words, for messages.</summary>
    public static string Describe(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return underlying switch
        {
            _ when underlying == typeof(bool) => "true or false",
            _ when underlying == typeof(int) || underlying == typeof(long) => "an integer",
            _ when underlying == typeof(double) || underlying == typeof(float) || underlying == typeof(decimal) => "a number",
            _ when underlying == typeof(string) => "a string",
            _ when underlying == typeof(TimeSpan) => "a duration (5s, 2m, 1h, 500ms or 00:00:05)",
            _ when underlying.IsEnum => $"one of {string.Join(", ", Enum.GetNames(underlying))}",
            _ when ListElementType(underlying) is { } e => $"a list, each {Describe(e)}",
            _ => "a section",
        };
    }

    /// <summary>V of a string-keyed dictionary type, else null.</summary>
    public static Type? DictionaryValueType(Type type)
    {
        if (!type.IsGenericType) return null;
        var definition = type.GetGenericTypeDefinition();
        var args = type.GetGenericArguments();
        return (definition == typeof(Dictionary<,>) || definition == typeof(IDictionary<,>) || definition == typeof(IReadOnlyDictionary<,>))
            && args[0] == typeof(string) ? args[1] : null;
    }

    /// <summary>T of an array or list type, else null.</summary>
    public static Type? ListElementType(Type type)
    {
        if (type.IsArray) return type.GetElementType();
        if (!type.IsGenericType) return null;
        var definition = type.GetGenericTypeDefinition();
        return definition == typeof(List<>) || definition == typeof(IReadOnlyList<>) || definition == typeof(IList<>)
            || definition == typeof(IEnumerable<>) || definition == typeof(IReadOnlyCollection<>)
            ? type.GetGenericArguments()[0] : null;
    }
}
