using Forge.Contracts.Rewards;

namespace Forge.MyReward;

/// <summary>
/// Scores <see cref="SampleRewardOptions.Score"/> when the completion contains the keyword, else 0. A reward sees
/// text and the prompt row's dataset columns (<c>input.Row</c>), never tensors; return null for "no score".
/// </summary>
public sealed class SampleReward(SampleRewardOptions options) : RewardModel
{
    private readonly StringComparison _comparison = options.IgnoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    /// <inheritdoc />
    protected override double? Score(RewardInput input) =>
        input.Completion.Contains(options.Keyword, _comparison) ? options.Score : 0.0;
}
