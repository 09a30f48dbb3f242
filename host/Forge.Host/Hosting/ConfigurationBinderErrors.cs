using System.Text.RegularExpressions;
using Forge.Core;
using Forge.Core.Configuration;
using Microsoft.Extensions.Configuration;

namespace Forge.Host.Hosting;

/// <summary>
/// The .NET configuration binder's errors about a user's setting — sections Forge does not bind itself (<c>Logging</c>,
/// options classes the strict binder cannot read) — in Forge's words: the full key and the expected type in words
/// (<c>Logging:Console:FormatterOptions:SingleLine: 'maybe' is not true or false</c>), never a .NET type name.
/// </summary>
internal static partial class ConfigurationBinderErrors
{
    /// <summary>
    /// <paramref name="exception"/> as a <see cref="ForgeDataException"/> when it is one of the binder's messages about a
    /// value or a key; null otherwise. <paramref name="configuration"/> turns the binder's key (relative to the section
    /// it bound) into the full one.
    /// </summary>
    public static ForgeDataException? Translate(InvalidOperationException exception, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(exception);
        string message = exception.Message.ReplaceLineEndings(" ");
        if (ConvertValue().Match(message) is { Success: true } convert)
        {
            string value = convert.Groups["value"].Value, key = convert.Groups["key"].Value;
            return new ForgeDataException($"{FullKey(configuration, key, value)}: '{value}' is not {Expected(convert.Groups["type"].Value)}", exception);
        }
        if (UnknownKeys().Match(message) is { Success: true } unknown)
        {
            string first = unknown.Groups["keys"].Value.Split(',')[0].Trim().Trim('\'');
            string type = unknown.Groups["type"].Value;
            string shortType = type[(type.LastIndexOf('.') + 1)..];
            return new ForgeDataException($"{FullKey(configuration, first, null)}: unknown key ({shortType} has no setting of that name)", exception);
        }
        return null;
    }

    /// <summary>The one configuration key ending in <paramref name="key"/> (with <paramref name="value"/> when given), else <paramref name="key"/>.</summary>
    private static string FullKey(IConfiguration configuration, string key, string? value)
    {
        var matches = configuration.AsEnumerable()
            .Where(pair => (string.Equals(pair.Key, key, StringComparison.OrdinalIgnoreCase)
                            || pair.Key.EndsWith(":" + key, StringComparison.OrdinalIgnoreCase))
                           && (value is null || pair.Value == value))
            .Select(pair => pair.Key)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Take(2)
            .ToList();
        return matches.Count == 1 ? matches[0] : key;
    }

    /// <summary>The binder names the target type as .NET does (<c>System.Nullable`1[System.Int32]</c>); this says it in words.</summary>
    private static string Expected(string typeName)
    {
        var type = Type.GetType(typeName)
            ?? AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType(typeName)).FirstOrDefault(t => t is not null);
        return type is null ? $"a valid {typeName[(typeName.LastIndexOf('.') + 1)..]}" : StrictBinder.Describe(type);
    }

    // "Failed to convert configuration value 'maybe' at 'FormatterOptions:SingleLine' to type 'System.Boolean'."
    [GeneratedRegex(@"^Failed to convert configuration value '(?<value>.*)' at '(?<key>[^']*)' to type '(?<type>[^']+)'")]
    private static partial Regex ConvertValue();

    // BinderOptions.ErrorOnUnknownConfiguration: "'ErrorOnUnknownConfiguration' was set on the provided BinderOptions, but the
    // following properties were not found on the instance of Acme.Options: 'Strictnes'"
    [GeneratedRegex(@"'ErrorOnUnknownConfiguration' was set on the provided BinderOptions, but the following properties were not found on the instance of (?<type>[^:]+): (?<keys>.+)$")]
    private static partial Regex UnknownKeys();
}
