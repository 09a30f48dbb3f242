using Forge.Plugins.Grpo;
using static TorchSharp.torch;

namespace Forge.Plugins.Grpo.Tests;

/// <summary>
/// Rows no reward could score (every reward returned null) leave the group statistics and get advantage 0, as TRL's
/// nanmean/nanstd and nan_to_num do with NaN rewards. Expected values are worked out by hand in the comments.
/// </summary>
public class UnscoredRowsTests
{
    private static double[] Advantages(double[] rewards, bool[] scored, ScaleRewards scale)
    {
        using var r = tensor(rewards);
        using var s = tensor(scored);
        using var advantages = GroupAdvantages.Compute(r, s, 4, scale);
        return advantages.data<double>().ToArray();
    }

    private static void ShouldEqual(double[] actual, params double[] expected) =>
        actual.Should().Equal(expected, (a, b) => Math.Abs(a - b) < 1e-12);

    [Fact]
    public void An_unscored_row_leaves_its_groups_mean_and_std_and_gets_zero()
    {
        // Scored rewards 1, 0, 1: mean 2/3; deviations 1/3, −2/3, 1/3; sample variance (1/9 + 4/9 + 1/9) / 2 = 1/3.
        double std = Math.Sqrt(1.0 / 3) + 1e-4;
        ShouldEqual(Advantages([1, 0, 0, 1], [true, false, true, true], ScaleRewards.Group),
            (1.0 / 3) / std, 0, (-2.0 / 3) / std, (1.0 / 3) / std);
        ShouldEqual(Advantages([1, 0, 0, 1], [true, false, true, true], ScaleRewards.None),
            1.0 / 3, 0, -2.0 / 3, 1.0 / 3);
    }

    [Fact]
    public void Batch_scaling_takes_the_standard_deviation_of_the_scored_rows_only()
    {
        // Scored rewards of the batch: 1, 0, 1 | 0.5, 0, 1 — mean 7/12; squared deviations 3 × (5/12)² + 2 × (7/12)²
        // + (1/12)² = 174/144; sample variance 174/144 / 5 = 29/120. Group means: 2/3 and 1/2.
        double std = Math.Sqrt(29.0 / 120) + 1e-4;
        ShouldEqual(Advantages([1, 0, 0, 1, 0.5, 0, 1, 0], [true, false, true, true, true, true, true, false], ScaleRewards.Batch),
            (1.0 / 3) / std, 0, (-2.0 / 3) / std, (1.0 / 3) / std, 0, -0.5 / std, 0.5 / std, 0);
    }

    [Theory]
    [InlineData(ScaleRewards.Group)]
    [InlineData(ScaleRewards.Batch)]
    [InlineData(ScaleRewards.None)]
    public void A_group_with_fewer_than_two_scored_rows_has_no_advantage(ScaleRewards scale)
    {
        // Group 0: one scored row is its own baseline (TRL: std of one value is NaN → 0). Group 1: nothing scored.
        var advantages = Advantages([0.7, 0, 0, 0, 1, 0, 1, 0], [false, false, true, false, false, false, false, false], scale);
        ShouldEqual(advantages, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    [Fact]
    public void What_an_unscored_row_holds_as_its_reward_does_not_matter()
    {
        // Rewards 1, ?, 0, 1 with the second unscored: the same as the first case whether ? is 0, 5 or NaN.
        double std = Math.Sqrt(1.0 / 3) + 1e-4;
        foreach (double placeholder in new[] { 5.0, double.NaN })
            ShouldEqual(Advantages([1, placeholder, 0, 1], [true, false, true, true], ScaleRewards.Group),
                (1.0 / 3) / std, 0, (-2.0 / 3) / std, (1.0 / 3) / std);
    }

    [Fact]
    public void With_every_row_scored_the_advantages_are_the_plain_group_ones()
    {
        // Rewards 1, 0, 0, 1: mean 1/2, sample variance 4 × 1/4 / 3 = 1/3.
        double std = Math.Sqrt(1.0 / 3) + 1e-4;
        using var rewards = tensor(new double[] { 1, 0, 0, 1 });
        using var withNull = GroupAdvantages.Compute(rewards, null, 4, ScaleRewards.Group);
        ShouldEqual(withNull.data<double>().ToArray(), 0.5 / std, -0.5 / std, -0.5 / std, 0.5 / std);
    }
}
