using System.ComponentModel.DataAnnotations;
using Forge.Contracts.Plugins;
using Forge.Contracts.Rewards;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Plugins.Rewards;

/// <summary>
/// 1 when the final answer (last balanced <c>\boxed{…}</c>, else last <c>&lt;answer&gt;…&lt;/answer&gt;</c>) is
/// mathematically equivalent to the row's answer column, else 0; null when the gold answer is missing or empty.
/// Numbers, fractions, roots, simple LaTeX arithmetic, percentages and units compare by value (relative tolerance);
/// anything else (a letter choice, a word, an expression with variables) by normalized text.
/// </summary>
public sealed class AccuracyReward(AccuracyOptions options) : RewardModel
{
    /// <inheritdoc />
    protected override double? Score(RewardInput input) => AnswerJudge.IsCorrect(input, options) switch
    {
        null => null,
        true => 1.0,
        false => 0.0,
    };
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
    [Required(AllowEmptyStrings = false)]
    public string AnswerColumn { get; set; } = "answer";

    /// <summary>Relative tolerance when comparing numeric values (2\sqrt{2} against \sqrt{8}).</summary>
    [Range(0.0, 0.5)]
    public double RelativeTolerance { get; set; } = 1e-9;

    /// <summary>Longest final answer (and gold answer) considered, in characters; longer ones score as wrong.</summary>
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
