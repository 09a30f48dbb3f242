using System.Text;
using Lingua;

namespace Forge.Plugins.LanguageConsistency;

/// <summary>
/// Counts the words of a chain of thought (<see cref="ClauseReader"/>; weighted by <see cref="Word.Weight"/>) and how
/// much of them is in the target language. A word in a script the target does not write is never a target word. The
/// words in the target's script are judged clause by clause, all of a clause's words together:
/// <list type="number">
/// <item>A clause of at least <c>contextWords</c> words is the target's when Lingua finds the target the likeliest
/// language for them.</item>
/// <item>A shorter clause ("Let me compute.", "So a plus b is c." — Lingua often misreads a few words, e.g. as German)
/// is the target's when Lingua finds the target at least <see cref="ShortTextOdds"/> as likely as the likeliest
/// language; failing that, when the target is the likeliest for the clause read together with its neighbours' words
/// in that script (nearest first, before and after in turn) up to <c>contextWords</c> words.</item>
/// </list>
/// A short foreign clause inside target-language reasoning may so count for the target; a foreign sentence of
/// <c>contextWords</c> words or more is judged on its own.
/// </summary>
internal sealed class WordCounter(LanguageJudge judge, int contextWords)
{
    /// <summary>How likely, against the likeliest language, Lingua must find the target for a text of fewer than contextWords words.</summary>
    public const double ShortTextOdds = 0.25;

    /// <summary>The weight of <paramref name="text"/>'s words in <paramref name="target"/>, and of all its words.</summary>
    public (double Target, double Total) Count(string text, Language target, ScriptFamily targetFamily)
    {
        var clauses = ClauseReader.Read(text);
        double total = clauses.Sum(Weight);
        var own = clauses.Select(c => c.Where(w => w.Family == targetFamily).ToList()).Where(c => c.Count > 0).ToList();
        if (!judge.NeedsVerdict(targetFamily)) return (own.Sum(Weight), total);

        double[] weights = [.. own.Select(Weight)];
        var verdicts = new Dictionary<string, bool>(); // neighbouring short clauses share windows; degenerate text repeats itself
        bool IsTarget((int First, int Last) window)
        {
            string words = Text(text, own, window, targetFamily);
            if (!verdicts.TryGetValue(words, out bool isTarget))
            {
                double weight = 0;
                for (int c = window.First; c <= window.Last; c++) weight += weights[c];
                double odds = judge.Odds(words, target, targetFamily);
                verdicts[words] = isTarget = weight >= contextWords ? odds >= 1 : odds >= ShortTextOdds;
            }
            return isTarget;
        }

        double inTarget = 0;
        for (int i = 0; i < own.Count; i++)
            if (IsTarget((i, i)) || (weights[i] < contextWords && IsTarget(Window(weights, i))))
                inTarget += weights[i];
        return (inTarget, total);
    }

    /// <summary>The clauses [first, last] read with clause <paramref name="i"/>: nearest first, the earlier side on ties.</summary>
    private (int First, int Last) Window(double[] weights, int i)
    {
        int first = i, last = i;
        double weight = weights[i];
        while (weight < contextWords && (first > 0 || last < weights.Length - 1))
        {
            bool before = first > 0 && (last == weights.Length - 1 || i - first <= last - i);
            weight += before ? weights[--first] : weights[++last];
        }
        return (first, last);
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
