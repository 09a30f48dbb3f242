using Forge.Plugins.Rewards;

namespace Forge.Plugins.Rewards.Tests;

/// <summary>Integers, decimals and fractions compare as exact rationals; only roots and π use the tolerance.</summary>
public class ExactNumberTests
{
    private static readonly AccuracyReward Reward = new(new AccuracyOptions());

    [Theory]
    [InlineData("1000000000", @"\boxed{1000000001}")]
    [InlineData("4294967296", @"\boxed{4294967295}")]
    [InlineData("123456789012345678", @"\boxed{123456789012345679}")] // the two are one double
    [InlineData("0.1", @"\boxed{0.10000000001}")]
    [InlineData(@"\frac{1}{3}", @"\boxed{0.3333333333}")]
    [InlineData("2^{60}", @"\boxed{1152921504606846977}")]
    [InlineData("1000000000", @"\boxed{1000000001 \text{ cm}}")]
    public void Distinct_exact_numbers_never_match_through_the_tolerance(string gold, string completion) =>
        Reward.Score(Rows.With(("answer", gold)), completion).Should().Be(0.0);

    [Theory]
    [InlineData("1000", @"\boxed{1e3}")]
    [InlineData("1000", @"\boxed{1E+3}")]
    [InlineData("0.0025", @"\boxed{2.5e-3}")]
    [InlineData(@"\frac{1}{400}", "<answer>2.5e-3</answer>")]
    [InlineData("1.5e6", @"\boxed{1500000}")]
    [InlineData("-1.5e2", @"\boxed{-150}")]
    [InlineData("1e3", @"\boxed{10^3}")]
    public void Scientific_notation_is_an_exact_number(string gold, string completion) =>
        Reward.Score(Rows.With(("answer", gold)), completion).Should().Be(1.0);

    [Fact]
    public void The_tolerance_applies_only_when_a_value_is_not_exact()
    {
        var loose = new AccuracyReward(new AccuracyOptions { RelativeTolerance = 0.01 });
        loose.Score(Rows.With(("answer", "0.333")), @"\boxed{\frac{1}{3}}").Should().Be(0.0);
        loose.Score(Rows.With(("answer", "1.41")), @"\boxed{\sqrt{2}}").Should().Be(1.0);
        Reward.Score(Rows.With(("answer", "1.41")), @"\boxed{\sqrt{2}}").Should().Be(0.0);
    }
}
