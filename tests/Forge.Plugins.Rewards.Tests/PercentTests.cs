using Forge.Plugins.Rewards;

namespace Forge.Plugins.Rewards.Tests;

/// <summary>
/// A percent sign means "/100". A gold percentage G% accepts G%, its value G/100 and the bare number G; a bare gold
/// number accepts no percentage (reading 0.5% as 0.5, or 5000% as 50, would each let an answer off by 100× through).
/// </summary>
public class PercentTests
{
    private static readonly AccuracyReward Reward = new(new AccuracyOptions());

    [Theory]
    [InlineData("0.5", @"\boxed{0.5\%}")]
    [InlineData("50", @"\boxed{5000\%}")]
    [InlineData("50", @"\boxed{50\%}")]
    [InlineData("0.5", "<answer>50%</answer>")]
    [InlineData("0.5", @"\boxed{0.5 \text{ percent}}")]
    public void A_percentage_does_not_match_a_bare_gold_number(string gold, string completion) =>
        Reward.Score(Rows.With(("answer", gold)), completion).Should().Be(0.0);

    [Theory]
    [InlineData("28 percent", "<answer>0.28</answer>")]
    [InlineData("28 pct", @"\boxed{0.28}")]
    public void Percent_written_as_a_word_is_a_percent_sign(string gold, string completion) =>
        Reward.Score(Rows.With(("answer", gold)), completion).Should().Be(1.0);

    [Theory]
    [InlineData(@"50\%", @"\boxed{0.5\%}")]
    public void A_gold_percentage_accepts_only_itself_its_value_and_its_bare_number(string gold, string completion) =>
        Reward.Score(Rows.With(("answer", gold)), completion).Should().Be(0.0);
}
