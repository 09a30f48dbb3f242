namespace Forge.Plugins.Tasks;

/// <summary>
/// The gold answer in a dataset's answer column: GSM8K ends its worked answer with <c>#### 42</c>, MATH and
/// NuminaMath put it in the last <c>\boxed{…}</c> of a solution; anything else is the answer itself.
/// </summary>
internal static class GoldAnswer
{
    /// <summary>The marked answer in <paramref name="text"/>, else all of it — or null when <paramref name="markedOnly"/>.</summary>
    public static string? Extract(string text, bool markedOnly = false)
    {
        int hashes = text.LastIndexOf("####", StringComparison.Ordinal);
        if (hashes >= 0) return text[(hashes + 4)..].Trim();
        return LastBoxed(text) ?? (markedOnly ? null : text.Trim());
    }

    /// <summary>The content of the last balanced <c>\boxed{…}</c> (or <c>\fbox{…}</c>), or null.</summary>
    private static string? LastBoxed(string text)
    {
        for (int at = text.Length; at > 0;)
        {
            int boxed = text.LastIndexOf(@"\boxed", at - 1, StringComparison.Ordinal);
            int fbox = text.LastIndexOf(@"\fbox", at - 1, StringComparison.Ordinal);
            int start = Math.Max(boxed, fbox);
            if (start < 0) return null;
            int open = start + (start == boxed ? 6 : 5);
            while (open < text.Length && text[open] == ' ') open++;
            if (open < text.Length && text[open] == '{' && Close(text, open) is int close) return text[(open + 1)..close].Trim();
            at = start;
        }
        return null;
    }

    private static int? Close(string text, int open)
    {
        int depth = 0;
        for (int i = open; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] is '{' or '}')
            {
                i++;
                continue;
            }
            if (text[i] == '{') depth++;
            else if (text[i] == '}' && --depth == 0) return i;
        }
        return null;
    }
}
