using System.Text;

namespace Forge.Plugins.Rewards;

/// <summary>
/// The canonical spelling of a unit written after a number, so that "5 kilometers" and "5 km" carry one unit and
/// "5 m" another: known words become their symbol (meters → m, hours → h, square feet → ft^2, per → /), other words
/// lose their case and a plural s. Nothing is converted: km and m stay different units.
/// </summary>
internal static class UnitName
{
    /// <summary>The canonical name of "percent", "pct" and "per cent": the percent sign.</summary>
    public const string Percent = "%";

    /// <summary>Symbols whose case matters (L is litre); other words are matched ignoring case.</summary>
    private static readonly Dictionary<string, string> CaseSensitive = new(StringComparer.Ordinal)
    {
        ["L"] = "L", ["l"] = "L", ["mL"] = "mL", ["ml"] = "mL",
    };

    private static readonly Dictionary<string, string> Words = Build(
        ("mm", "millimeter millimeters millimetre millimetres"),
        ("cm", "centimeter centimeters centimetre centimetres"),
        ("m", "meter meters metre metres"),
        ("km", "kilometer kilometers kilometre kilometres kms"),
        ("in", "inch inches"),
        ("ft", "foot feet"),
        ("yd", "yard yards yds"),
        ("mi", "mile miles"),
        ("mg", "milligram milligrams"),
        ("g", "gram grams"),
        ("kg", "kilogram kilograms kgs"),
        ("lb", "pound pounds lbs"),
        ("oz", "ounce ounces"),
        ("mL", "milliliter milliliters millilitre millilitres"),
        ("L", "liter liters litre litres"),
        ("s", "sec secs second seconds"),
        ("min", "mins minute minutes"),
        ("h", "hr hrs hour hours"),
        ("day", "days"),
        ("week", "weeks"),
        ("month", "months"),
        ("yr", "yrs year years"),
        ("$", "dollar dollars usd"),
        ("¢", "cent cents"),
        ("°", "deg degree degrees"),
        ("rad", "radian radians"),
        (Percent, "percent percents percentage pct"));

    /// <summary>The canonical unit of <paramref name="text"/> (e.g. "square feet" → "ft^2", "m/s^2"); null when it has none.</summary>
    public static string? Canonical(ReadOnlySpan<char> text)
    {
        if (text.Trim().Equals("per cent", StringComparison.OrdinalIgnoreCase)) return Percent;
        var output = new StringBuilder();
        int power = 0;
        for (int i = 0; i < text.Length;)
        {
            char c = text[i];
            if (char.IsLetter(c))
            {
                int end = i;
                while (end < text.Length && char.IsLetter(text[end])) end++;
                string word = text[i..end].ToString();
                i = end;
                string lower = word.ToLowerInvariant();
                if (lower == "per") output.Append('/');
                else if (lower is "square" or "sq") power = 2;
                else if (lower is "cubic" or "cu") power = 3;
                else
                {
                    if (output.Length > 0 && output[^1] != '/') output.Append('·');
                    output.Append(Symbol(word, lower));
                    if (power > 0) output.Append('^').Append(power);
                    power = 0;
                }
            }
            else if (c == '^')
            {
                output.Append('^');
                i++;
            }
            else
            {
                if (!char.IsWhiteSpace(c) && c is not ('{' or '}')) output.Append(c);
                i++;
            }
        }
        return output.Length == 0 ? null : output.ToString();
    }

    private static string Symbol(string word, string lower)
    {
        if (CaseSensitive.TryGetValue(word, out string? symbol) || Words.TryGetValue(lower, out symbol)) return symbol;
        return lower.Length > 3 && lower[^1] == 's' && lower[^2] != 's' ? lower[..^1] : lower;
    }

    private static Dictionary<string, string> Build(params (string Symbol, string Aliases)[] units)
    {
        var words = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (symbol, aliases) in units)
        {
            words[symbol.ToLowerInvariant()] = symbol;
            foreach (string alias in aliases.Split(' ')) words[alias] = symbol;
        }
        return words;
    }
}
