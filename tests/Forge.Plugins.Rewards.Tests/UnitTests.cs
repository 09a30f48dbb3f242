using Forge.Plugins.Rewards;

namespace Forge.Plugins.Rewards.Tests;

/// <summary>Differing explicit units are not equal (no conversions); a unit missing on one side is fine.</summary>
public class UnitTests
{
    private static readonly AccuracyReward Reward = new(new AccuracyOptions());

    [Theory]
    [InlineData("5 km", @"\boxed{5 m}")]
    [InlineData("2 hours", @"\boxed{2 minutes}")]
    [InlineData(@"5 \text{ cm}", "<answer>5 mm</answer>")]
    [InlineData("12 dollars", @"\boxed{12 \text{ euros}}")]
    [InlineData(@"18 \text{ square feet}", "<answer>18 m^2</answer>")]
    [InlineData("9.8 m/s^2", "<answer>9.8 m/s</answer>")]
    public void Differing_units_do_not_match(string gold, string completion) =>
        Reward.Score(Rows.With(("answer", gold)), completion).Should().Be(0.0);
}
