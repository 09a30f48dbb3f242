namespace Forge.Plugins.Rewards;

/// <summary>
/// The final boxed answer of a text. The last balanced <c>\boxed{…}</c> (or <c>\fbox{…}</c>) counts, as in
/// math-verify: "\boxed{3} … wait, \boxed{7}" answers 7. Boxes joined to it only by commas, "and" or "or" (with
/// math delimiters, <c>\text{}</c> and "x =" between them) are one list answer: "$x = \boxed{2}$ or $x = \boxed{3}$"
/// answers "2, 3", which is right against "2, 3" and wrong against 2 or 3, so hedging between boxes earns nothing.
/// Linear time, no regexes; looks at a few candidates from the end only.
/// </summary>
internal static class BoxedAnswer
{
    private const int MaxCandidates = 8;

    /// <summary>The final boxed answer (several joined boxes as "a, b"); null when no box balances within <paramref name="maxLength"/>.</summary>
    public static string? Final(string text, int maxLength)
    {
        var contents = new List<string>();
        int runStart = -1, from = text.Length;
        for (int tries = 0; tries < MaxCandidates && from > 0; tries++)
        {
            int at = Math.Max(text.LastIndexOf(@"\boxed", from - 1, StringComparison.Ordinal),
                text.LastIndexOf(@"\fbox", from - 1, StringComparison.Ordinal));
            if (at < 0) break;
            from = at;
            if (!TryRead(text, at, maxLength, out string content, out int end)) continue; // unbalanced: look further back
            if (contents.Count == 0) contents.Add(content);
            else if (end <= runStart)
            {
                if (!IsListSeparator(text.AsSpan(end, runStart - end))) break;
                contents.Insert(0, content);
            }
            // else it is a box around the one found (\boxed{\boxed{5}}), and the run starts with it
            runStart = at;
        }
        if (contents.Count == 0) return null;
        if (contents.TrueForAll(c => c == contents[0])) return contents[0];
        string list = string.Join(", ", contents);
        return list.Length <= maxLength ? list : null;
    }

    /// <summary>Reads the box starting at <paramref name="at"/>: <c>\boxed{…}</c> with balanced braces, or <c>\boxed 5</c> up to whitespace or '$'.</summary>
    private static bool TryRead(string text, int at, int maxLength, out string content, out int end)
    {
        int length = string.CompareOrdinal(text, at, @"\boxed", 0, 6) == 0 ? 6 : 5;
        int open = at + length;
        while (open < text.Length && text[open] == ' ') open++;
        content = "";
        end = -1;
        if (open < text.Length && text[open] == '{')
        {
            int close = CompletionParts.MatchingBrace(text, open, maxLength);
            if (close < 0) return false;
            content = text[(open + 1)..close].Trim();
            end = close + 1;
            return true;
        }
        if (open >= text.Length || open == at + length || text[open] == '\\') return false;
        int stop = open;
        while (stop < text.Length && stop - open <= maxLength && !char.IsWhiteSpace(text[stop]) && text[stop] != '$') stop++;
        if (stop == open || stop - open > maxLength) return false;
        content = text[open..stop];
        end = stop;
        return true;
    }

    /// <summary>
    /// True when <paramref name="gap"/> only joins two boxes into a list: at least one comma, semicolon, "and" or
    /// "or", and otherwise only whitespace, '$', braces, <c>\text</c>-like commands, spacing, math delimiters and a
    /// one-letter variable with its '=' ("x =", "x_2 =").
    /// </summary>
    private static bool IsListSeparator(ReadOnlySpan<char> gap)
    {
        bool joined = false;
        for (int i = 0; i < gap.Length;)
        {
            char c = gap[i];
            if (char.IsWhiteSpace(c) || c is '$' or '~' or '{' or '}') i++;
            else if (c is ',' or ';')
            {
                joined = true;
                i++;
            }
            else if (c == '\\')
            {
                int end = i + 1;
                while (end < gap.Length && char.IsAsciiLetter(gap[end])) end++;
                var name = gap[(i + 1)..end];
                if (end == i + 1)
                {
                    if (end >= gap.Length || gap[end] is not ('(' or ')' or '[' or ']' or ',' or ';' or ' ' or '\\')) return false;
                    end++;
                }
                else if (name is not ("text" or "textrm" or "mbox" or "mathrm" or "quad" or "qquad")) return false;
                i = end;
            }
            else if (char.IsLetter(c))
            {
                int end = i;
                while (end < gap.Length && char.IsLetter(gap[end])) end++;
                var word = gap[i..end];
                if (word.Equals("and", StringComparison.OrdinalIgnoreCase) || word.Equals("or", StringComparison.OrdinalIgnoreCase)) joined = true;
                else if (word.Length != 1 || (end = Assignment(gap, end)) < 0) return false;
                i = end;
            }
            else return false;
        }
        return joined;
    }

    /// <summary>After a one-letter variable at <paramref name="at"/>: the index past an optional subscript and the '='; -1 when there is no '='.</summary>
    private static int Assignment(ReadOnlySpan<char> gap, int at)
    {
        if (at < gap.Length && gap[at] == '_')
        {
            at++;
            if (at < gap.Length && gap[at] == '{')
            {
                int close = gap[at..].IndexOf('}');
                if (close < 0) return -1;
                at += close + 1;
            }
            else if (at < gap.Length && char.IsLetterOrDigit(gap[at])) at++;
            else return -1;
        }
        while (at < gap.Length && char.IsWhiteSpace(gap[at])) at++;
        return at < gap.Length && gap[at] == '=' ? at + 1 : -1;
    }
}
