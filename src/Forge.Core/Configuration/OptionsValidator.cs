using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;

namespace Forge.Core.Configuration;

/// <summary>
/// Checks an options object's data annotations (and <see cref="IValidatableObject"/>) recursively, through nested
/// option classes and dictionary values, and reports the first failure as one line with the full key path.
/// </summary>
public static class OptionsValidator
{
    /// <summary>Throws <see cref="ForgeDataException"/> naming <paramref name="path"/>:key for the first invalid value.</summary>
    public static void Validate(object options, string path)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var property in StrictBinder.Properties(options.GetType()).Values.Where(p => p.CanRead))
        {
            object? value = property.GetValue(options);
            bool flattened = property.GetCustomAttribute<FlattenAttribute>() is not null;
            string key = flattened ? path : $"{path}:{property.Name}";
            foreach (var attribute in property.GetCustomAttributes<ValidationAttribute>())
            {
                if (attribute.IsValid(value)) continue;
                throw new ForgeDataException($"{key}: {Message(attribute, value)}");
            }
            if (value is null || value is string || value.GetType().IsValueType || value is Microsoft.Extensions.Configuration.IConfigurationSection) continue;
            if (value is IDictionary dictionary)
            {
                foreach (DictionaryEntry entry in dictionary)
                    if (entry.Value is { } item && IsOptionsClass(item.GetType())) Validate(item, $"{key}:{entry.Key}");
            }
            else if (value is not IEnumerable && IsOptionsClass(value.GetType()))
            {
                Validate(value, key);
            }
        }
        if (options is IValidatableObject validatable)
        {
            var failure = validatable.Validate(new ValidationContext(options)).FirstOrDefault();
            if (failure is not null)
            {
                string member = failure.MemberNames.FirstOrDefault() is { } m ? $"{path}:{m}" : path;
                throw new ForgeDataException($"{member}: {failure.ErrorMessage}");
            }
        }
    }

    private static bool IsOptionsClass(Type type) => type.IsClass && type != typeof(string) && !type.IsArray;

    private static string Message(ValidationAttribute attribute, object? value) => attribute switch
    {
        RangeAttribute range => $"{Show(value)} is out of range [{Show(range.Minimum)}, {Show(range.Maximum)}]",
        RequiredAttribute => "missing (required)",
        _ when attribute.ErrorMessage is { } message => message,
        _ => $"{Show(value)} is invalid ({attribute.GetType().Name.Replace("Attribute", "", StringComparison.Ordinal)})",
    };

    private static string Show(object? value) => value switch
    {
        null => "(none)",
        int.MaxValue => "∞",
        double d => d.ToString("G6", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
