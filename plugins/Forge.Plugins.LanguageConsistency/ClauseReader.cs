using System.Buffers;
using System.Globalization;
using System.Text;

namespace Forge.Plugins.LanguageConsistency;

/// <summary>
/// Cuts a chain of thought into clauses of words, leaving maths out.
/// <list type="bullet">
/// <item>A word is a run of letters of one script, with inner apostrophes and hyphens (don't, l'homme, well-known);
/// every Han or Kana character is a word of its own (those scripts have no spaces).</item>
/// <item>Maths is not words: numbers; LaTeX commands (\frac, \times); inline and display maths ($…$, $$…$$, \(…\),
/// \[…\]); markup tags (&lt;think&gt;); and, in the scripts maths names variables with (Latin, Greek), single letters
/// (x, a, α), runs touching a digit (3x, x2) or an opening parenthesis (f(x), gcd(4, 6)), and runs next to a maths
/// symbol, spaces between or not (ab = 12, x^2 + xy, a_n, ≤, →).</item>
/// <item>Clauses end at . ! ? ; … and their CJK forms, at line breaks, and after <see cref="MaxClauseWords"/> words.</item>
/// </list>
/// </summary>
internal static class ClauseReader
{
    /// <summary>Longest clause, in words.</summary>
    public const int MaxClauseWords = 40;

    /// <summary>Longest inline or display maths span, in characters; a longer one is read as text.</summary>
    private const int MaxMathLength = 2000;

    /// <summary>The non-empty clauses of <paramref name="text"/>, in order.</summary>
    public static List<List<Word>> Read(string text)
    {
        var clauses = new List<List<Word>>();
        var clause = new List<Word>();

        void EndClause()
        {
            if (clause.Count == 0) return;
            clauses.Add(clause);
            clause = [];
        }

        for (int i = 0; i < text.Length;)
        {
            if (SkipMarkup(text, i) is var skipped && skipped > i)
            {
                i = skipped;
                continue;
            }
            Rune.DecodeFromUtf16(text.AsSpan(i), out Rune rune, out int length);
            Script script = Scripts.Of(rune);
            if (script == Script.None)
            {
                if (IsClauseEnd(rune.Value, text, i + length)) EndClause();
                i += length;
                continue;
            }
            int end = Scripts.IsCharacterWord(script) ? i + length : WordEnd(text, i + length, script);
            if (!IsMaths(text, i, end, script)) clause.Add(new Word(i, end - i, script));
            if (clause.Count >= MaxClauseWords) EndClause();
            i = end;
        }
        EndClause();
        return clauses;
    }

    /// <summary>The end of the word of <paramref name="script"/> whose first letter ends at <paramref name="i"/>.</summary>
    private static int WordEnd(string text, int i, Script script)
    {
        while (i < text.Length)
        {
            Rune.DecodeFromUtf16(text.AsSpan(i), out Rune rune, out int length);
            if (Scripts.Of(rune) == script || IsMark(rune)) i += length;
            else if (rune.Value is '\'' or '’' or '-' && i + length < text.Length && Rune.DecodeFromUtf16(text.AsSpan(i + length), out Rune next, out _) == OperationStatus.Done
                     && Scripts.Of(next) == script) i += length; // don't, well-known
            else break;
        }
        return i;
    }

    /// <summary>Whether the word text[start..end) is maths rather than language.</summary>
    private static bool IsMaths(string text, int start, int end, Script script)
    {
        if (!Scripts.HasVariableLetters(script)) return false; // 3个, 3개, 5км are words
        if (Rune.DecodeFromUtf16(text.AsSpan(start), out _, out int first) == OperationStatus.Done && start + first == end) return true; // a variable
        Rune before = Before(text, start, out bool spaceBefore), after = After(text, end, out bool spaceAfter);
        return IsMathsSymbol(before) || IsMathsSymbol(after) // ab = 12, x^2 + xy, a_n
            || (!spaceBefore && IsNumber(before)) || (!spaceAfter && (IsNumber(after) || after.Value == '(')); // 3x, x2, f(x)
    }

    /// <summary>The nearest character before <paramref name="i"/> other than spaces and tabs (a line break stops the search).</summary>
    private static Rune Before(string text, int i, out bool spaced)
    {
        int j = i;
        while (j > 0 && text[j - 1] is ' ' or '\t') j--;
        spaced = j < i;
        return j > 0 && Rune.DecodeLastFromUtf16(text.AsSpan(0, j), out Rune rune, out _) == OperationStatus.Done ? rune : new Rune(' ');
    }

    /// <summary>The nearest character from <paramref name="i"/> on other than spaces and tabs (a line break stops the search).</summary>
    private static Rune After(string text, int i, out bool spaced)
    {
        int j = i;
        while (j < text.Length && text[j] is ' ' or '\t') j++;
        spaced = j > i;
        return j < text.Length && Rune.DecodeFromUtf16(text.AsSpan(j), out Rune rune, out _) == OperationStatus.Done ? rune : new Rune(' ');
    }

    private static bool IsNumber(Rune rune) => Rune.IsDigit(rune) || Rune.IsNumber(rune);

    /// <summary>= + × ÷ ≤ ≠ → (Unicode maths symbols), ^ and _; not &lt; &gt; | ~, which also close tags, draw tables and mean "about".</summary>
    private static bool IsMathsSymbol(Rune rune) =>
        rune.Value is '^' or '_' || (rune.Value is not ('<' or '>' or '|' or '~') && Rune.GetUnicodeCategory(rune) == UnicodeCategory.MathSymbol);

    private static bool IsMark(Rune rune) =>
        Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;

    private static bool IsClauseEnd(int c, string text, int next) => c switch
    {
        '!' or '?' or ';' or '\n' or '\r' or '。' or '！' or '？' or '；' or '…' => true,
        '.' => next >= text.Length || char.IsWhiteSpace(text[next]),
        _ => false,
    };

    /// <summary>Where maths or markup starting at <paramref name="i"/> ends; <paramref name="i"/> when none starts there.</summary>
    private static int SkipMarkup(string text, int i) => text[i] switch
    {
        '$' when At(text, i, "$$") => Closing(text, i + 2, "$$", multiline: true),
        '$' => InlineDollar(text, i),
        '\\' when At(text, i, "\\[") => Closing(text, i + 2, "\\]", multiline: true),
        '\\' when At(text, i, "\\(") => Closing(text, i + 2, "\\)", multiline: false),
        '\\' => LatexCommand(text, i),
        '<' => Tag(text, i),
        _ => i,
    } is var end && end > i ? end : i;

    private static bool At(string text, int i, string token) => string.CompareOrdinal(text, i, token, 0, token.Length) == 0;

    /// <summary>After the closing <paramref name="token"/> within <see cref="MaxMathLength"/>; -1 when there is none.</summary>
    private static int Closing(string text, int from, string token, bool multiline)
    {
        int limit = Math.Min(text.Length, from + MaxMathLength);
        int close = text.IndexOf(token, from, limit - from, StringComparison.Ordinal);
        if (close < 0 || (!multiline && text.IndexOf('\n', from, close - from) >= 0)) return -1;
        return close + token.Length;
    }

    /// <summary>$…$ on one line, as pandoc reads it: no space after the opening $, none before the closing one, and no
    /// digit after it (so "$5 and $3" is money).</summary>
    private static int InlineDollar(string text, int i)
    {
        if (i + 1 >= text.Length || char.IsWhiteSpace(text[i + 1])) return -1;
        int limit = Math.Min(text.Length, i + 1 + MaxMathLength);
        for (int j = i + 2; j < limit && text[j] != '\n'; j++)
            if (text[j] == '$' && text[j - 1] != '\\' && !char.IsWhiteSpace(text[j - 1]) && (j + 1 >= text.Length || !char.IsAsciiDigit(text[j + 1])))
                return j + 1;
        return -1;
    }

    /// <summary>\frac, \times: a backslash and letters.</summary>
    private static int LatexCommand(string text, int i)
    {
        int j = i + 1;
        while (j < text.Length && char.IsAsciiLetter(text[j])) j++;
        return j > i + 1 ? j : -1;
    }

    /// <summary>&lt;think&gt;, &lt;/answer&gt;, &lt;br/&gt;: a tag name in angle brackets.</summary>
    private static int Tag(string text, int i)
    {
        int j = i + 1;
        if (j < text.Length && text[j] == '/') j++;
        if (j >= text.Length || !char.IsAsciiLetter(text[j])) return -1;
        while (j < text.Length && (char.IsAsciiLetterOrDigit(text[j]) || text[j] is '-' or '_')) j++;
        if (j < text.Length && text[j] == '/') j++;
        return j < text.Length && text[j] == '>' ? j + 1 : -1;
    }
}
