using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Forge.Contracts.Plugins;
using Forge.Contracts.Rewards;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Plugins.Rewards;

/// <summary>
/// Length-scaled correctness ("Demystifying Long Chain-of-Thought Reasoning in LLMs", Yeo et al. 2025): a correct
/// answer earns <see cref="CosineOptions.MaxCorrect"/> at length 0 falling to <see cref="CosineOptions.MinCorrect"/> at
/// <see cref="CosineOptions.MaxLength"/>; a wrong one <see cref="CosineOptions.MinWrong"/> rising to
/// <see cref="CosineOptions.MaxWrong"/>, both along half a cosine: r(L) = end + ½(start − end)(1 + cos(πL/MaxLength)).
/// Short right answers are preferred, and wrong answers are punished less when the model thought longer. Correctness
/// is judged as by <c>accuracy</c>; null when the gold answer is unusable. Length: completion tokens, else words.
/// </summary>
public sealed class CosineReward(CosineOptions options) : RewardModel
{
    /// <inheritdoc />
    protected override double? Score(RewardInput input)
    {
        bool? correct = AnswerJudge.IsCorrect(input, options);
        if (correct is null) return null;
        int length = CompletionParts.Length(input.Completion, input.CompletionTokens);
        if (options.ExceedPenalty is double penalty && (input.Truncated || length > options.MaxLength)) return penalty;
        double progress = Math.Min(length, options.MaxLength) / (double)options.MaxLength;
        var (start, end) = correct.Value ? (options.MaxCorrect, options.MinCorrect) : (options.MinWrong, options.MaxWrong);
        return end + 0.5 * (start - end) * (1 + Math.Cos(Math.PI * progress));
    }
}

/// <summary>Options of the <c>cosine</c> reward.</summary>
public sealed class CosineOptions : AnswerMatchOptions, IValidatableObject
{
    /// <summary>Reward of a correct answer of length 0.</summary>
    [Description("Reward of a correct answer of length 0.")]
    [Range(-100.0, 100.0)]
    public double MaxCorrect { get; set; } = 1.0;

    /// <summary>Reward of a correct answer of MaxLength or more.</summary>
    [Description("Reward of a correct answer of MaxLength or more.")]
    [Range(-100.0, 100.0)]
    public double MinCorrect { get; set; } = 0.5;

    /// <summary>Reward of a wrong answer of length 0.</summary>
    [Description("Reward of a wrong answer of length 0.")]
    [Range(-100.0, 100.0)]
    public double MinWrong { get; set; } = -1.0;

    /// <summary>Reward of a wrong answer of MaxLength or more.</summary>
    [Description("Reward of a wrong answer of MaxLength or more.")]
    [Range(-100.0, 100.0)]
    public double MaxWrong { get; set; } = -0.5;

    /// <summary>Length (tokens) at which the schedule ends.</summary>
    [Description("Length (tokens) at which the schedule ends.")]
    [Range(1, 10_000_000)]
    public int MaxLength { get; set; } = 1000;

    /// <summary>When set, the reward of truncated completions or ones longer than MaxLength (the paper's r_e).</summary>
    [Description("When set, the reward of truncated completions or ones longer than MaxLength (the paper's r_e).")]
    [Range(-100.0, 100.0)]
    public double? ExceedPenalty { get; set; }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MinCorrect > MaxCorrect) yield return new ValidationResult("MinCorrect must not exceed MaxCorrect", [nameof(MinCorrect)]);
        if (MinWrong > MaxWrong) yield return new ValidationResult("MinWrong must not exceed MaxWrong", [nameof(MinWrong)]);
    }
}

/// <summary>Exports <c>cosine</c>.</summary>
[ForgePlugin("cosine", PluginKind.Reward, Description = "Correctness scaled by length on a cosine schedule (short right answers best)")]
public sealed class CosineRewardPlugin : IForgePlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services, PluginContext context) =>
        services.AddForgePlugin<IRewardModel, CosineReward, CosineOptions>(context);
}
