using System.Text;
using Lingua;

namespace Forge.Plugins.LanguageConsistency;

/// <summary>
/// Counts the words of a chain of thought (<see cref="ClauseReader"/>; weighted by <see cref="Word.Weight"/>) and how
/// much of them is in the target language. A word in a script the target does not write is never a target word. The
/// words in the target's script are judged clause by clause, all of a clause's words together:
/// <list type="number">
/// <item>A clause of at least <c>contextWords</c> words is the target's when Lingua finds the target the likeliest of
/// the listed languages (<see cref="LanguageJudge.Odds"/>).</item>
/// <item>A shorter clause ("Let me compute.", "So a plus b is c." — Lingua often misreads a few words, e.g. as German)
/// is the target's when Lingua finds the target at least <see cref="ShortTextOdds"/> as likely as the likeliest
/// listed language; failing that, when the target is the likeliest for the clause read together with its neighbours'
/// words in that script (nearest first, before and after in turn) up to <c>contextWords</c> words.</item>
/// <item>Either way, not when the block of consecutive clauses of at least <see cref="ScreenCharacters"/> characters
/// that holds the clause is in a language that is not listed (<see cref="LanguageJudge.IsUnlisted"/>), and so is the
/// clause alone. From that length on Lingua reads trigrams only, so its low accuracy mode is as exact as the high one;
/// a shorter chain of thought is not screened.</item>
/// </list>
/// A short foreign clause inside target-language reasoning may so count for the target; a foreign sentence of
/// <c>contextWords</c> words or more is judged on its own.
/// </summary>
internal sealed class WordCounter(LanguageJudge judge, int contextWords)
{
    /// <summary>How likely, against the likeliest language, Lingua must find the target for a text of fewer than contextWords words.</summary>
    public const double ShortTextOdds = 0.25;

    /// <summary>Length of text (characters) screened for unlisted languages: from 120 characters on, Lingua reads trigrams only.</summary>
    public const int ScreenCharacters = 120;

    /// <summary>The weight of <paramref name="text"/>'s words in <paramref name="target"/>, and of all its words.</summary>
    public (double Target, double Total) Count(string text, Language target, ScriptFamily targetFamily)
    {
        var clauses = ClauseReader.Read(text);
        double total = clauses.Sum(Weight);
        // The clauses' words in the target's script (clauses without any left out): the words the verdicts are about.
        var own = clauses.Select(c => c.Where(w => w.Family == targetFamily).ToList()).Where(c => c.Count > 0).ToList();
        if (!judge.NeedsVerdict(targetFamily)) return (own.Sum(Weight), total);

        double[] weights = [.. own.Select(Weight)];
        double[] characters = [.. own.Select(c => (double)c.Sum(w => w.Length + 1))];
        var blocks = Blocks(characters, ScreenCharacters);
        // Verdicts by text: neighbouring short clauses share windows, and degenerate text repeats itself.
        var listed = new Dictionary<string, bool>();
        var unlisted = new Dictionary<string, bool>();
        bool IsTarget((int First, int Last) window)
        {
            string words = Text(text, own, window, targetFamily);
            if (!listed.TryGetValue(words, out bool isTarget))
            {
                double odds = judge.Odds(words, target, targetFamily);
                listed[words] = isTarget = Sum(weights, window) >= contextWords ? odds >= 1 : odds >= ShortTextOdds;
            }
            return isTarget;
        }
        bool IsUnlisted((int First, int Last) window)
        {
            string words = Text(text, own, window, targetFamily);
            if (!unlisted.TryGetValue(words, out bool isUnlisted)) unlisted[words] = isUnlisted = judge.IsUnlisted(words, targetFamily);
            return isUnlisted;
        }
        bool IsScreenedOut(int i)
        {
            var block = blocks[i];
            return Sum(characters, block) >= ScreenCharacters && IsUnlisted(block) && (block == (i, i) || IsUnlisted((i, i)));
        }

        double inTarget = 0;
        for (int i = 0; i < own.Count; i++)
        {
            bool isTarget = IsTarget((i, i)) || (weights[i] < contextWords && IsTarget(Window(weights, i, contextWords)));
            if (isTarget && !IsScreenedOut(i)) inTarget += weights[i];
        }
        return (inTarget, total);
    }

    /// <summary>
    /// The clauses [first, last] around clause <paramref name="i"/> whose <paramref name="sizes"/> add up to
    /// <paramref name="minimum"/> (or all of them): nearest first, the earlier side on ties.
    /// </summary>
    private static (int First, int Last) Window(double[] sizes, int i, double minimum)
    {
        int first = i, last = i;
        double size = sizes[i];
        while (size < minimum && (first > 0 || last < sizes.Length - 1))
        {
            bool before = first > 0 && (last == sizes.Length - 1 || i - first <= last - i);
            size += before ? sizes[--first] : sizes[++last];
        }
        return (first, last);
    }

    /// <summary>
    /// The block of each clause: consecutive clauses cut into blocks whose <paramref name="sizes"/> add up to at least
    /// <paramref name="minimum"/>, a short rest joining the last block.
    /// </summary>
    private static (int First, int Last)[] Blocks(double[] sizes, double minimum)
    {
        var blockOf = new (int First, int Last)[sizes.Length];
        int first = 0;
        double size = 0;
        for (int i = 0; i < sizes.Length; i++)
        {
            size += sizes[i];
            if (size < minimum && i < sizes.Length - 1) continue;
            int start = size < minimum && first > 0 ? blockOf[first - 1].First : first; // the short rest joins the last block
            for (int c = start; c <= i; c++) blockOf[c] = (start, i);
            (first, size) = (i + 1, 0);
        }
        return blockOf;
    }

    private static double Sum(double[] sizes, (int First, int Last) window)
    {
        double sum = 0;
        for (int c = window.First; c <= window.Last; c++) sum += sizes[c];
        return sum;
    }

    /// <summary>The words of the clauses, joined by spaces (without for Han/Kana, which has none).</summary>
    private static string Text(string text, List<List<Word>> clauses, (int First, int Last) window, ScriptFamily family)
    {
        var builder = new StringBuilder();
        string separator = family == ScriptFamily.HanKana ? "" : " ";
        for (int c = window.First; c <= window.Last; c++)
            foreach (var word in clauses[c])
            {
                if (builder.Length > 0) builder.Append(separator);
                builder.Append(text, word.Start, word.Length);
            }
        return builder.ToString();
    }

    private static double Weight(List<Word> words)
    {
        double sum = 0;
        foreach (var word in words) sum += word.Weight;
        return sum;
    }
}
