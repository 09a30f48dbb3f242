using System.Globalization;
using System.Text;

namespace Forge.Plugins.Rewards;

/// <summary>
/// A final answer prepared for comparison: LaTeX noise removed (<c>$…$</c>, <c>\(…\)</c>, <c>\text{…}</c>,
/// <c>\left</c>/<c>\right</c>, spacing commands, degree signs, <c>\$</c>), its arithmetic value when it has one
/// (units such as "5 cm" and a trailing percent sign are set aside), and a canonical text for everything else.
/// </summary>
internal sealed class MathAnswer
{
    private static readonly string[] Wrappers =
        ["text", "textbf", "textit", "textrm", "texttt", "mathrm", "mathbf", "mathit", "mathsf", "mbox", "operatorname", "boxed", "fbox"];

    private MathAnswer(string cleaned, double? value, decimal? exact, bool percent)
    {
        Cleaned = cleaned;
        Canonical = ToCanonical(cleaned);
        Value = value;
        Exact = exact;
        Percent = percent;
    }

    /// <summary>The text with LaTeX noise removed.</summary>
    public string Cleaned { get; }

    /// <summary>Lower-case, without whitespace or a trailing period: the string-fallback form.</summary>
    public string Canonical { get; }

    /// <summary>The arithmetic value, when the answer is a number or a number-valued expression.</summary>
    public double? Value { get; }

    /// <summary>The exact value when the answer is a plain decimal literal (so 3.50 equals 3.5 exactly).</summary>
    public decimal? Exact { get; }

    /// <summary>The answer ended in a percent sign.</summary>
    public bool Percent { get; }

    /// <summary>Prepares <paramref name="raw"/>; null when it is empty after cleaning or longer than <paramref name="maxLength"/>.</summary>
    public static MathAnswer? Parse(string? raw, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(raw)) return null;
        if (raw.Contains(@"\boxed", StringComparison.Ordinal) || raw.Contains(@"\fbox", StringComparison.Ordinal))
            raw = CompletionParts.LastBoxed(raw, maxLength) ?? raw;
        if (raw.Length > maxLength) return null;
        string cleaned = Clean(raw);
        if (cleaned.Length == 0) return null;
        var (value, exact, percent) = Numeric(cleaned);
        if (value is null)
        {
            // "x = 5": the right-hand side of the last '='.
            int equals = cleaned.LastIndexOf('=');
            if (equals >= 0 && equals < cleaned.Length - 1) (value, exact, percent) = Numeric(cleaned[(equals + 1)..]);
        }
        return new MathAnswer(cleaned, value, exact, percent);
    }

    /// <summary>True when <paramref name="predicted"/> is mathematically equivalent to this (gold) answer.</summary>
    public bool Matches(MathAnswer predicted, double relativeTolerance)
    {
        if (Value is double gold && predicted.Value is double guess)
        {
            if (Exact is decimal a && predicted.Exact is decimal b && a == b) return true;
            if (Close(gold, guess, relativeTolerance)) return true;
            if (predicted.Percent && Close(gold, guess / 100, relativeTolerance)) return true;
            if (Percent && Close(gold / 100, guess, relativeTolerance)) return true;
            return false;
        }
        return Canonical == predicted.Canonical || TupleMatches(predicted, relativeTolerance);
    }

    private static bool Close(double a, double b, double tolerance) =>
        a == b || Math.Abs(a - b) <= Math.Max(tolerance * Math.Max(Math.Abs(a), Math.Abs(b)), 1e-12);

    /// <summary>"(1, 2)" against "(1,2.0)": same brackets, same number of top-level parts, each part equivalent.</summary>
    private bool TupleMatches(MathAnswer predicted, double tolerance)
    {
        var gold = SplitTuple(Cleaned);
        if (gold is null) return false;
        var guess = SplitTuple(predicted.Cleaned);
        if (guess is null || guess.Value.Open != gold.Value.Open || guess.Value.Close != gold.Value.Close
            || guess.Value.Parts.Count != gold.Value.Parts.Count) return false;
        for (int i = 0; i < gold.Value.Parts.Count; i++)
        {
            var g = Parse(gold.Value.Parts[i], int.MaxValue);
            var p = Parse(guess.Value.Parts[i], int.MaxValue);
            if (g is null || p is null || !g.Matches(p, tolerance)) return false;
        }
        return true;
    }

    private static (char Open, char Close, List<string> Parts)? SplitTuple(string text)
    {
        var span = text.AsSpan().Trim();
        char open = '\0', close = '\0';
        if (span.Length >= 2 && span[0] is '(' or '[' or '{' && span[^1] is ')' or ']' or '}')
        {
            (open, close) = (span[0], span[^1]);
            span = span[1..^1];
        }
        var parts = new List<string>();
        int depth = 0, start = 0;
        for (int i = 0; i < span.Length; i++)
        {
            char c = span[i];
            if (c is '(' or '[' or '{') depth++;
            else if (c is ')' or ']' or '}') depth--;
            else if (c == ',' && depth == 0)
            {
                parts.Add(span[start..i].ToString());
                start = i + 1;
            }
        }
        parts.Add(span[start..].ToString());
        return parts.Count >= 2 ? (open, close, parts) : null;
    }

    /// <summary>Value, exact value and percent flag of an arithmetic answer; value null when it is not arithmetic.</summary>
    private static (double? Value, decimal? Exact, bool Percent) Numeric(string cleaned)
    {
        var span = cleaned.AsSpan().Trim();
        bool percent = false;
        if (span.EndsWith("%"))
        {
            percent = true;
            span = span[..^1].TrimEnd();
        }
        span = span.TrimStart("€£¥₹").TrimStart();
        if (!LatexArithmetic.TryEvaluate(span, out double value))
        {
            var withoutUnits = StripUnits(span);
            if (withoutUnits.Length == span.Length || !LatexArithmetic.TryEvaluate(withoutUnits, out value)) return (null, null, false);
            span = withoutUnits;
        }
        return (value, ExactLiteral(span), percent);
    }

    /// <summary>The exact value of a plain (optionally negative, comma-grouped) decimal literal; null for anything else.</summary>
    private static decimal? ExactLiteral(ReadOnlySpan<char> span)
    {
        span = span.Trim();
        if (span.Length == 0 || span.Length > 40) return null;
        Span<char> buffer = stackalloc char[span.Length];
        int n = 0;
        for (int i = 0; i < span.Length; i++)
        {
            char c = span[i];
            if (c is '-' or '−' && i == 0) buffer[n++] = '-';
            else if (char.IsAsciiDigit(c) || c == '.') buffer[n++] = c;
            else if (c != ',') return null;
        }
        return decimal.TryParse(buffer[..n], NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal d) ? d : null;
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
