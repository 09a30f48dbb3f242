using System.Text.RegularExpressions;

namespace Forge.Core.Evaluation;

/// <summary>
/// The final answer of a completion for majority voting when the correctness reward is no
/// <see cref="Forge.Contracts.Rewards.IAnswerEquivalence"/>: the last <c>\boxed{…}</c>, else the last
/// <c>&lt;answer&gt;…&lt;/answer&gt;</c>, whitespace-normalised; null when there is none.
/// </summary>
public static partial class AnswerExtractor
{
    /// <summary>The answer text, or null.</summary>
    public static string? Extract(string completion)
    {
        ArgumentNullException.ThrowIfNull(completion);
        string? boxed = LastBoxed(completion);
        if (boxed is not null) return Normalize(boxed);
        var answers = AnswerTag().Matches(completion);
        return answers.Count == 0 ? null : Normalize(answers[^1].Groups[1].Value);
    }

    private static string? LastBoxed(string text)
    {
        int at = text.LastIndexOf("\\boxed{", StringComparison.Ordinal);
        if (at < 0) return null;
        int depth = 0;
        for (int i = at + 6; i < text.Length; i++)
        {
            if (text[i] == '{') depth++;
            else if (text[i] == '}' && --depth == 0) return text[(at + 7)..i];
        }
        return null;
    }

    private static string Normalize(string answer) => Whitespace().Replace(answer.Trim(), " ");

    [GeneratedRegex(@"<answer>(.*?)</answer>", RegexOptions.Singleline)]
    private static partial Regex AnswerTag();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
