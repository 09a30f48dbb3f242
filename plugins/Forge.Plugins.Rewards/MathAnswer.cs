using System.Text;

namespace Forge.Plugins.Rewards;

/// <summary>
/// A final answer prepared for comparison: LaTeX noise removed (<c>$…$</c>, <c>\(…\)</c>, <c>\text{…}</c>,
/// <c>\left</c>/<c>\right</c>, spacing commands, degree signs, <c>\$</c>), its arithmetic value when it has one
/// (with a trailing unit such as "5 cm" and a trailing percent sign set aside), and a canonical text for everything
/// else.
/// </summary>
internal sealed class MathAnswer
{
    private static readonly string[] Wrappers =
        ["text", "textbf", "textit", "textrm", "texttt", "mathrm", "mathbf", "mathit", "mathsf", "mbox", "operatorname", "boxed", "fbox"];

    private static readonly NumericValue Hundred = new(100, new Rational(100, 1));

    private MathAnswer(string cleaned, NumericValue? value, bool percent, string? unit)
    {
        Cleaned = cleaned;
        Canonical = ToCanonical(cleaned);
        Value = value;
        Percent = percent;
        Unit = unit;
    }

    /// <summary>The text with LaTeX noise removed.</summary>
    public string Cleaned { get; }

    /// <summary>Lower-case, without whitespace or a trailing period: the string-fallback form.</summary>
    public string Canonical { get; }

    /// <summary>The arithmetic value (before any percent sign), when the answer is a number or a number-valued expression.</summary>
    public NumericValue? Value { get; }

    /// <summary>The answer ended in a percent sign (or the word percent): its meaning is <see cref="Value"/>/100.</summary>
    public bool Percent { get; }

    /// <summary>The canonical unit written after the number (<see cref="UnitName"/>), or null.</summary>
    public string? Unit { get; }

    /// <summary>Prepares <paramref name="raw"/>; null when it is empty after cleaning or longer than <paramref name="maxLength"/>.</summary>
    public static MathAnswer? Parse(string? raw, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(raw)) return null;
        if (raw.Contains(@"\boxed", StringComparison.Ordinal) || raw.Contains(@"\fbox", StringComparison.Ordinal))
            raw = BoxedAnswer.Final(raw, maxLength) ?? raw;
        if (raw.Length > maxLength) return null;
        string cleaned = Clean(raw);
        if (cleaned.Length == 0) return null;
        var (value, percent, unit) = Numeric(cleaned);
        if (value is null)
        {
            // "x = 5": the right-hand side of the last '='.
            int equals = cleaned.LastIndexOf('=');
            if (equals >= 0 && equals < cleaned.Length - 1) (value, percent, unit) = Numeric(cleaned[(equals + 1)..]);
        }
        return new MathAnswer(cleaned, value, percent, unit);
    }

    /// <summary>True when <paramref name="predicted"/> is mathematically equivalent to this (gold) answer.</summary>
    public bool Matches(MathAnswer predicted, double relativeTolerance)
    {
        if (Value is { } gold && predicted.Value is { } guess)
        {
            if (Unit is not null && predicted.Unit is not null && Unit != predicted.Unit) return false;
            if (!Percent) return !predicted.Percent && gold.SameAs(guess, relativeTolerance);
            // A gold percentage G% accepts G% and G (the bare number), and its meaning G/100 without a percent sign.
            return gold.SameAs(guess, relativeTolerance) || (!predicted.Percent && (gold / Hundred).SameAs(guess, relativeTolerance));
        }
        return Canonical == predicted.Canonical || AnswerList.Matches(this, predicted, relativeTolerance);
    }

    /// <summary>Value, percent flag and unit of an arithmetic answer; value null when it is not arithmetic.</summary>
    private static (NumericValue? Value, bool Percent, string? Unit) Numeric(string cleaned)
    {
        var span = cleaned.AsSpan().Trim();
        bool percent = false;
        if (span.EndsWith("%"))
        {
            percent = true;
            span = span[..^1].TrimEnd();
        }
        span = span.TrimStart("€£¥₹").TrimStart();
        if (LatexArithmetic.TryEvaluate(span, out var value)) return (value, percent, null);
        var withoutUnits = StripUnits(span);
        if (withoutUnits.Length == span.Length || !LatexArithmetic.TryEvaluate(withoutUnits, out value)) return (null, false, null);
        string? unit = UnitName.Canonical(span[withoutUnits.Length..]);
        if (unit != UnitName.Percent) return (value, percent, unit);
        return percent ? (null, false, null) : (value, true, null); // "5 percent %" is not a number
    }

    /// <summary>
    /// Removes trailing unit words ("cm", "dollars", "cm^2", "m/s", "square feet"); a single letter only when it is
    /// set apart by a space, so "3x" stays unparseable while "5 m" becomes 5. Returns the input when nothing is removed.
    /// </summary>
    internal static ReadOnlySpan<char> StripUnits(ReadOnlySpan<char> text)
    {
        var rest = text.TrimEnd();
        bool stripped = false;
        while (true)
        {
            var t = rest;
            int exponent = ExponentStart(t);
            if (exponent >= 0) t = t[..exponent].TrimEnd();
            int m = t.Length;
            while (m > 0 && char.IsLetter(t[m - 1])) m--;
            int run = t.Length - m;
            if (run == 0 || (m > 0 && t[m - 1] == '\\')) break;
            bool apart = m > 0 && (char.IsWhiteSpace(t[m - 1]) || t[m - 1] == '/');
            if (run < 2 && !apart) break;
            rest = t[..m].TrimEnd();
            stripped = true;
            if (rest.EndsWith("/")) rest = rest[..^1].TrimEnd();
        }
        return stripped ? rest : text;
    }

    /// <summary>Index of a trailing "^2", "^{2}" or "^{-1}"; -1 when there is none.</summary>
    private static int ExponentStart(ReadOnlySpan<char> t)
    {
        int i = t.Length;
        bool braced = i > 0 && t[i - 1] == '}';
        if (braced) i--;
        int digitsEnd = i;
        while (i > 0 && char.IsAsciiDigit(t[i - 1])) i--;
        if (i == digitsEnd) return -1;
        if (i > 0 && t[i - 1] == '-') i--;
        if (braced)
        {
            if (i == 0 || t[i - 1] != '{') return -1;
            i--;
        }
        return i > 0 && t[i - 1] == '^' ? i - 1 : -1;
    }

    /// <summary>Lower-case, whitespace removed, braces around single characters removed, trailing period removed, "(A)" → "a".</summary>
    private static string ToCanonical(string cleaned)
    {
        var builder = new StringBuilder(cleaned.Length);
        foreach (char c in cleaned)
            if (!char.IsWhiteSpace(c)) builder.Append(char.ToLowerInvariant(c));
        for (int i = builder.Length - 3; i >= 0; i--)
            if (builder[i] == '{' && builder[i + 2] == '}' && builder[i + 1] is not ('{' or '}'))
                builder.Remove(i + 2, 1).Remove(i, 1); // x^{2} → x^2
        string text = builder.ToString().TrimEnd('.');
        if (text.Length == 3 && text[0] == '(' && text[2] == ')' && char.IsLetter(text[1])) return text[1..2];
        if (text.Length == 2 && text[1] == ')' && char.IsLetter(text[0])) return text[..1];
        return text;
    }

    /// <summary>Removes math-mode wrappers, text wrappers, sizing and spacing commands, degree signs and dollar signs.</summary>
    internal static string Clean(string raw)
    {
        string s = raw.Trim();
        if (s.Contains('^'))
            s = s.Replace(@"^{\circ}", "", StringComparison.Ordinal).Replace(@"^\circ", "", StringComparison.Ordinal);
        var closers = new bool[s.Length];
        var builder = new StringBuilder(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (closers[i])
            {
                builder.Append(' ');
                continue;
            }
            switch (c)
            {
                case '$' or '~':
                    builder.Append(' ');
                    continue;
                case '°' or '\u2009' or '\u202F':
                    continue;
                case '\\':
                    i = Command(s, i, builder, closers);
                    continue;
                default:
                    builder.Append(c);
                    continue;
            }
        }
        var text = builder.ToString().Replace("{,}", ",", StringComparison.Ordinal).Trim();
        return text.TrimEnd('.', ' ');
    }

    /// <summary>Handles the command at <paramref name="at"/>; returns the index of its last character.</summary>
    private static int Command(string s, int at, StringBuilder builder, bool[] closers)
    {
        if (at + 1 >= s.Length) return at;
        char next = s[at + 1];
        if (!char.IsAsciiLetter(next))
        {
            switch (next)
            {
                case '$' or '(' or ')' or '[' or ']' or ';' or ':' or ' ': builder.Append(' '); break;
                case '!' or ',': break;
                default: builder.Append(next); break; // \% \{ \}
            }
            return at + 1;
        }
        int end = at + 1;
        while (end < s.Length && char.IsAsciiLetter(s[end])) end++;
        var name = s.AsSpan(at + 1, end - at - 1);
        switch (name)
        {
            case "left" or "right" or "displaystyle" or "circ" or "degree" or "bigl" or "bigr" or "Bigl" or "Bigr":
                return end - 1;
            case "quad" or "qquad":
                builder.Append(' ');
                return end - 1;
            case "dfrac" or "tfrac" or "cfrac":
                builder.Append(@"\frac");
                return end - 1;
        }
        foreach (string wrapper in Wrappers)
        {
            if (!name.SequenceEqual(wrapper)) continue;
            int open = end;
            while (open < s.Length && s[open] == ' ') open++;
            if (open < s.Length && s[open] == '{')
            {
                int close = CompletionParts.MatchingBrace(s, open, s.Length);
                if (close > 0)
                {
                    closers[close] = true;
                    builder.Append(' ');
                    return open;
                }
            }
            return end - 1;
        }
        builder.Append(s, at, end - at);
        return end - 1;
    }
}
