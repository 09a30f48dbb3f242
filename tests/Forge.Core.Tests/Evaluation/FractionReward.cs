using System.Globalization;
using Forge.Contracts.Rewards;

namespace Forge.Core.Tests.Evaluation;

/// <summary>
/// A stand-in correctness reward: the answer is the last <c>&lt;answer&gt;…&lt;/answer&gt;</c> or, failing that, the
/// text after "final answer:"; it is right (1) when its value, read as a decimal or a fraction <c>p/q</c>, equals the
/// row's <c>answer</c> column.
/// </summary>
internal class FractionReward : RewardModel
{
    protected override double? Score(RewardInput input) =>
        Value(Answer(input.Completion)) is decimal v && v == Value(input.Row.GetString("answer")) ? 1.0 : 0.0;

    protected static string? Answer(string completion)
    {
        int end = completion.LastIndexOf("</answer>", StringComparison.Ordinal);
        int start = end < 0 ? -1 : completion.LastIndexOf("<answer>", end, StringComparison.Ordinal);
        if (start >= 0) return completion[(start + "<answer>".Length)..end].Trim();
        int final = completion.LastIndexOf("final answer:", StringComparison.Ordinal);
        return final < 0 ? null : completion[(final + "final answer:".Length)..].Trim();
    }

    protected static decimal? Value(string? text)
    {
        if (text is null) return null;
        var parts = text.Split('/');
        if (parts.Length == 2 && decimal.TryParse(parts[0], CultureInfo.InvariantCulture, out decimal p)
            && decimal.TryParse(parts[1], CultureInfo.InvariantCulture, out decimal q) && q != 0)
            return p / q;
        return decimal.TryParse(text, CultureInfo.InvariantCulture, out decimal d) ? d : null;
    }
}

/// <summary>The same reward, telling the evaluator that answers of equal value are one vote.</summary>
internal sealed class FractionEquivalenceReward : FractionReward, IAnswerEquivalence
{
    public string? ExtractAnswer(string completion) => Answer(completion);

    public bool AreEquivalent(string first, string second) =>
        Value(first) is decimal a && Value(second) is decimal b ? a == b : first == second;
}
