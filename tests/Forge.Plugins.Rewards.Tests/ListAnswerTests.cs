using Forge.Plugins.Rewards;

namespace Forge.Plugins.Rewards.Tests;

/// <summary>
/// Sets (<c>\{…\}</c>) and bare comma lists are unordered; tuples and intervals keep their order and brackets.
/// Boxes joined only by commas, "and" or "or" are one list answer; otherwise the last box counts.
/// </summary>
public class ListAnswerTests
{
    private static readonly AccuracyReward Reward = new(new AccuracyOptions());

    [Theory]
    [InlineData(@"\{1,2\}", @"\boxed{\{2,1\}}")]
    [InlineData(@"\{1, 2, 3\}", @"\boxed{\left\{3, \frac{4}{2}, 1\right\}}")]
    [InlineData(@"\{1, 2\}", @"\boxed{\{1, 2, 2\}}")]
    [InlineData("1, 2", @"\boxed{2, 1}")]
    [InlineData(@"\{-1, 4\}", @"\boxed{4, -1}")]
    [InlineData(@"-1, 4", @"\boxed{\{4, -1\}}")]
    public void Sets_and_bare_lists_are_unordered(string gold, string completion) =>
        Reward.Score(Rows.With(("answer", gold)), completion).Should().Be(1.0);

    [Theory]
    [InlineData("2, 3", @"$\boxed{2}$ and $\boxed{3}$")]
    [InlineData(@"\{-1, 4\}", @"so $x = \boxed{4}$ or $x = \boxed{-1}$.")]
    [InlineData("2, 3", @"\boxed{3}, \boxed{2}")]
    [InlineData(@"(1, 2), (3, 4)", @"\boxed{(3, 4)} \text{ and } \boxed{(1,2)}")]
    public void Boxes_joined_by_and_or_comma_are_one_list_answer(string gold, string completion) =>
        Reward.Score(Rows.With(("answer", gold)), completion).Should().Be(1.0);

    [Theory]
    [InlineData("3", @"\boxed{2} and \boxed{3}")]
    public void Hedging_between_boxed_answers_scores_0(string gold, string completion) =>
        Reward.Score(Rows.With(("answer", gold)), completion).Should().Be(0.0);
}
