using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Forge.Contracts.Plugins;
using Forge.Contracts.Rewards;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Plugins.Rewards;

/// <summary>
/// 1 when the final answer (<see cref="CompletionParts.FinalAnswer"/>: the last balanced <c>\boxed{…}</c>, boxes
/// listed just before it included, else the last <c>&lt;answer&gt;…&lt;/answer&gt;</c>) is mathematically equivalent
/// to the row's answer column, else 0; null when the gold answer is missing or empty. Numbers compare by value:
/// integers, decimals (<c>1e3</c> too) and fractions exactly, roots and π within a relative tolerance; a percent sign
/// means /100, and a gold percentage also accepts its bare number; differing explicit units never match. Sets and
/// bare lists are unordered, tuples and intervals ordered; anything else (a letter choice, a word, an expression with
/// variables) compares as normalized text. As an <see cref="IAnswerEquivalence"/> it lets cons@k count 1/2 and 0.5 as
/// one vote.
/// </summary>
public sealed class AccuracyReward(AccuracyOptions options) : RewardModel, IAnswerEquivalence
{
    /// <inheritdoc />
    protected override double? Score(RewardInput input) => AnswerJudge.IsCorrect(input, options) switch
    {
        null => null,
        true => 1.0,
        false => 0.0,
    };

    /// <inheritdoc />
    public string? ExtractAnswer(string completion)
    {
        ArgumentNullException.ThrowIfNull(completion);
        return CompletionParts.FinalAnswer(completion, options.MaxAnswerLength);
    }

    /// <inheritdoc />
    /// <remarks>Each must match the other as if it were the gold answer, so 50% and 0.5 are two votes (against a gold 0.5 only one is right).</remarks>
    public bool AreEquivalent(string first, string second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        var a = MathAnswer.Parse(first, options.MaxAnswerLength);
        var b = MathAnswer.Parse(second, options.MaxAnswerLength);
        if (a is null || b is null) return string.Equals(first.Trim(), second.Trim(), StringComparison.Ordinal);
        return a.Matches(b, options.RelativeTolerance) && b.Matches(a, options.RelativeTolerance);
    }
}

/// <summary>Decides whether a completion's final answer matches the row's gold answer.</summary>
internal static class AnswerJudge
{
    /// <summary>True/false for a right/wrong (or missing) final answer; null when the gold answer is unusable.</summary>
    public static bool? IsCorrect(RewardInput input, AnswerMatchOptions options)
    {
        var gold = MathAnswer.Parse(input.Row.GetString(options.AnswerColumn), options.MaxAnswerLength);
        if (gold is null) return null;
        string? final = CompletionParts.FinalAnswer(input.Completion, options.MaxAnswerLength);
        var predicted = MathAnswer.Parse(final, options.MaxAnswerLength);
        return predicted is not null && gold.Matches(predicted, options.RelativeTolerance);
    }
}

/// <summary>Options shared by rewards that judge the final answer against the gold answer.</summary>
public class AnswerMatchOptions
{
    /// <summary>Row column holding the gold answer.</summary>
    [Description("Row column holding the gold answer.")]
    [Required(AllowEmptyStrings = false)]
    public string AnswerColumn { get; set; } = "answer";

    /// <summary>
    /// Relative tolerance when a value is not exact (2\sqrt{2} against \sqrt{8}, 3.1416 against π); exact numbers
    /// (integers, decimals, fractions) never use it: two distinct ones are never equal.
    /// </summary>
    [Description("Relative tolerance when a value is not exact (2\\sqrt{2} against \\sqrt{8}, 3.1416 against π); exact numbers (integers, decimals, fractions) never use it: two distinct ones are never equal.")]
    [Range(0.0, 0.5)]
    public double RelativeTolerance { get; set; } = 1e-9;

    /// <summary>Longest final answer (and gold answer) considered, in characters; longer ones score as wrong.</summary>
    [Description("Longest final answer (and gold answer) considered, in characters; longer ones score as wrong.")]
    [Range(1, 100_000)]
    public int MaxAnswerLength { get; set; } = 1000;
}

/// <summary>Options of the <c>accuracy</c> reward.</summary>
public sealed class AccuracyOptions : AnswerMatchOptions;

/// <summary>Exports <c>accuracy</c>.</summary>
[ForgePlugin("accuracy", PluginKind.Reward, Description = "1 when the final answer (\\boxed{} or <answer>) equals the answer column mathematically")]
public sealed class AccuracyRewardPlugin : IForgePlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services, PluginContext context) =>
        services.AddForgePlugin<IRewardModel, AccuracyReward, AccuracyOptions>(context);
}
