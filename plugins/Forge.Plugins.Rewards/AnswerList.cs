namespace Forge.Plugins.Rewards;

/// <summary>
/// An answer of several comma-separated parts. A set (<c>\{2, 1\}</c>) and a bare list (<c>2, 1</c>, as "enter all
/// solutions" asks for) are unordered: each part of one must equal a part of the other. A tuple or an interval
/// (<c>(1, 2)</c>, <c>[1, 2)</c>) is ordered: same brackets, same number of parts, part by part.
/// </summary>
internal sealed class AnswerList
{
    private AnswerList(char open, char close, List<string> parts)
    {
        Open = open;
        Close = close;
        Parts = parts;
    }

    /// <summary>The opening bracket: '(' or '[' (ordered), '{' (a set), or '\0' (a bare list).</summary>
    public char Open { get; }

    /// <summary>The closing bracket, or '\0'.</summary>
    public char Close { get; }

    /// <summary>The top-level parts.</summary>
    public List<string> Parts { get; }

    private bool Unordered => Open is '{' or '\0';

    /// <summary>True when both answers are lists (neither a single number) and <paramref name="predicted"/> equals <paramref name="gold"/> as a list.</summary>
    public static bool Matches(MathAnswer gold, MathAnswer predicted, double tolerance)
    {
        if (gold.Value is not null || predicted.Value is not null) return false;
        var expected = Split(gold.Cleaned);
        var actual = expected is null ? null : Split(predicted.Cleaned);
        if (expected is null || actual is null) return false;
        if (expected.Unordered && actual.Unordered)
        {
            var goldParts = expected.Parse();
            var guessParts = actual.Parse();
            return goldParts is not null && guessParts is not null
                && goldParts.TrueForAll(g => guessParts.Exists(p => g.Matches(p, tolerance)))
                && guessParts.TrueForAll(p => goldParts.Exists(g => g.Matches(p, tolerance)));
        }
        if (actual.Open != expected.Open || actual.Close != expected.Close || actual.Parts.Count != expected.Parts.Count) return false;
        for (int i = 0; i < expected.Parts.Count; i++)
        {
            var g = MathAnswer.Parse(expected.Parts[i], int.MaxValue);
            var p = MathAnswer.Parse(actual.Parts[i], int.MaxValue);
            if (g is null || p is null || !g.Matches(p, tolerance)) return false;
        }
        return true;
    }

    private List<MathAnswer>? Parse()
    {
        var answers = new List<MathAnswer>(Parts.Count);
        foreach (string part in Parts)
        {
            var answer = MathAnswer.Parse(part, int.MaxValue);
            if (answer is null) return null;
            answers.Add(answer);
        }
        return answers;
    }

    /// <summary>The list in <paramref name="text"/>: at least two top-level comma-separated parts, inside one pair of brackets or none.</summary>
    public static AnswerList? Split(string text)
    {
        var span = text.AsSpan().Trim();
        char open = '\0', close = '\0';
        if (span.Length >= 2 && span[0] is '(' or '[' or '{' && span[^1] is ')' or ']' or '}' && ClosesAtEnd(span))
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
        return parts.Count >= 2 ? new AnswerList(open, close, parts) : null;
    }

    /// <summary>True when the bracket opening <paramref name="span"/> is closed by its last character, not before ("(1, 2), (3, 4)" is not one tuple).</summary>
    private static bool ClosesAtEnd(ReadOnlySpan<char> span)
    {
        int depth = 0;
        for (int i = 0; i < span.Length; i++)
        {
            if (span[i] is '(' or '[' or '{') depth++;
            else if (span[i] is ')' or ']' or '}' && --depth == 0) return i == span.Length - 1;
        }
        return false;
    }
}
