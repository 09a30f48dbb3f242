using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using Forge.Contracts.Sampling;
using Forge.Core;
using Forge.Core.Stages;

namespace Forge.Host.Cli;

/// <summary>
/// The sampling options of <c>generate</c> and <c>eval</c>, checked against the ranges of a stage's
/// <c>Generation</c> section (<see cref="GenerationOptions"/>): a value out of range — NaN and infinity included — is
/// one line naming the option, before any model is loaded.
/// </summary>
internal static class GenerationArguments
{
    private static readonly (string Option, string Property)[] Options =
    [
        ("--max-new-tokens", nameof(GenerationOptions.MaxNewTokens)),
        ("--temperature", nameof(GenerationOptions.Temperature)),
        ("--top-p", nameof(GenerationOptions.TopP)),
        ("--top-k", nameof(GenerationOptions.TopK)),
        ("--min-p", nameof(GenerationOptions.MinP)),
        ("--repetition-penalty", nameof(GenerationOptions.RepetitionPenalty)),
    ];

    /// <summary>Returns <paramref name="settings"/> when every value is in range; greedy decoding ignores the temperature.</summary>
    public static GenerationSettings Check(GenerationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var values = new GenerationOptions
        {
            MaxNewTokens = settings.MaxNewTokens, Greedy = settings.Greedy, Temperature = settings.Temperature, TopK = settings.TopK,
            TopP = settings.TopP, MinP = settings.MinP, RepetitionPenalty = settings.RepetitionPenalty,
        };
        foreach (var (option, name) in Options)
        {
            if (settings.Greedy && name == nameof(GenerationOptions.Temperature)) continue;
            var property = typeof(GenerationOptions).GetProperty(name)!;
            object? value = property.GetValue(values);
            var range = property.GetCustomAttribute<RangeAttribute>()!;
            if (!range.IsValid(value))
                throw new ForgeDataException(string.Create(CultureInfo.InvariantCulture, $"{option}: {value} is out of range [{range.Minimum}, {range.Maximum}]"));
        }
        return settings;
    }

    /// <summary><paramref name="value"/> of <paramref name="option"/> when it is a finite number.</summary>
    public static double Finite(double value, string option) =>
        double.IsFinite(value) ? value : throw new ForgeDataException(string.Create(CultureInfo.InvariantCulture, $"{option}: {value} is not a finite number"));
}
