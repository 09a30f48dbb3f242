namespace Forge.Plugins.Rewards;

/// <summary>Finds the parts of a completion rewards look at: the final answer and the length. Linear time, no regexes.</summary>
internal static class CompletionParts
{
    /// <summary>
    /// The final answer: the final boxed answer (<see cref="BoxedAnswer.Final"/>: the last balanced <c>\boxed{…}</c>
    /// or <c>\fbox{…}</c>, with the boxes listed just before it) within <paramref name="maxLength"/> characters, else
    /// the content of the last <c>&lt;answer&gt;…&lt;/answer&gt;</c>; null when there is neither or the answer is
    /// longer than <paramref name="maxLength"/>.
    /// </summary>
    public static string? FinalAnswer(string completion, int maxLength) =>
        BoxedAnswer.Final(completion, maxLength) ?? LastTagged(completion, "<answer>", "</answer>", maxLength);

    /// <summary>The index of the '}' matching the '{' at <paramref name="open"/>, or -1 when it does not close within <paramref name="maxLength"/>.</summary>
    public static int MatchingBrace(string text, int open, int maxLength)
    {
        int depth = 0;
        int limit = (int)Math.Min(text.Length, (long)open + maxLength + 2);
        for (int i = open; i < limit; i++)
        {
            char c = text[i];
            if (c == '\\' && i + 1 < limit && (text[i + 1] == '{' || text[i + 1] == '}'))
            {
                i++;
                continue;
            }
            if (c == '{') depth++;
            else if (c == '}' && --depth == 0) return i;
        }
        return -1;
    }

    /// <summary>The trimmed content of the last <paramref name="open"/>…<paramref name="close"/> pair; null when absent or longer than <paramref name="maxLength"/>.</summary>
    public static string? LastTagged(string text, string open, string close, int maxLength)
    {
        int end = text.LastIndexOf(close, StringComparison.Ordinal);
        if (end < 0) return null;
        int start = text.LastIndexOf(open, end, StringComparison.Ordinal);
        if (start < 0) return null;
        start += open.Length;
        var content = text.AsSpan(start, end - start).Trim();
        return content.Length <= maxLength ? content.ToString() : null;
    }

    /// <summary>The completion's length in tokens: <paramref name="tokens"/> when known, else its whitespace-separated word count.</summary>
    public static int Length(string completion, int tokens)
    {
        if (tokens > 0) return tokens;
        int count = 0;
        bool inWord = false;
        foreach (char c in completion)
        {
            bool space = char.IsWhiteSpace(c);
            if (!space && !inWord) count++;
            inWord = !space;
        }
        return count;
    }
}
