using System.Globalization;
using System.Text.RegularExpressions;

namespace Forge.Core.Configuration;

/// <summary>
/// Durations in configuration: a .NET time span (<c>00:00:05</c>, <c>1.00:00:00</c>) or a number with a unit
/// (<c>500ms</c>, <c>5s</c>, <c>2m</c>, <c>1h</c>, <c>1d</c>). A bare number is refused: <c>5</c> would mean five days
/// to .NET and five seconds to most readers.
/// </summary>
public static partial class Duration
{
    /// <summary>Parses <paramref name="text"/>, or returns an error saying what is expected.</summary>
    public static bool TryParse(string text, out TimeSpan value, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        string trimmed = text.Trim();
        error = null;
        var unit = WithUnit().Match(trimmed);
        if (unit.Success)
        {
            double amount = double.Parse(unit.Groups[1].Value, CultureInfo.InvariantCulture);
            double seconds = unit.Groups[2].Value switch { "ms" => amount / 1000, "s" => amount, "m" => amount * 60, "h" => amount * 3600, _ => amount * 86400 };
            if (seconds <= TimeSpan.MaxValue.TotalSeconds)
            {
                value = TimeSpan.FromSeconds(seconds);
                return true;
            }
        }
        else if (trimmed.Contains(':') && TimeSpan.TryParse(trimmed, CultureInfo.InvariantCulture, out value))
        {
            return true;
        }
        value = default;
        error = double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            ? $"'{text}' has no unit; write it as 5s, 2m, 1h, 500ms or 00:00:05"
            : $"'{text}' is not a duration (5s, 2m, 1h, 500ms or 00:00:05)";
        return false;
    }

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$")]
    private static partial Regex WithUnit();
}
