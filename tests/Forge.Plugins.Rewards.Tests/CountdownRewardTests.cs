using System.Diagnostics;
using Forge.Plugins.Rewards;

namespace Forge.Plugins.Rewards.Tests;

public class CountdownRewardTests
{
    private static readonly CountdownReward Reward = new(new CountdownOptions());

    private static double? Score(string answer, int[]? numbers = null, object? target = null) =>
        Reward.Score(Rows.With(("numbers", numbers ?? [3, 7, 25, 50]), ("target", target ?? 125)), answer);

    [Theory]
    [InlineData("<answer>(50 - 25) * (7 - 3) + 25 - 25</answer>")] // 25 used twice
    [InlineData("<think>try</think><answer>(25 - 3 - 7) * 50 / 6</answer>")] // 6 is not one of the numbers
    [InlineData("<answer>50 * 3 - 25</answer>")] // 7 unused
    [InlineData("<answer>50 + 25 + 7 * 3</answer>")] // all used once, equals 96
    [InlineData("<answer>(7 - 3 + 1) * 25</answer>")]
    [InlineData("<think>50 * 3 - 25 + 7 - 7</think>")] // no answer tag
    public void Wrong_answers_score_0(string completion) => Score(completion).Should().Be(0.0);

    [Theory]
    [InlineData("<answer>(50 - 25) * (7 - 3) + 25</answer>", new[] { 50, 25, 7, 3, 25 }, 125)]
    [InlineData("<answer>50 * 3 - 25</answer>", new[] { 3, 25, 50 }, 125)]
    [InlineData("<answer>50 × 3 − 25</answer>", new[] { 3, 25, 50 }, 125)]
    [InlineData(@"<answer>50 \times 3 - 25</answer>", new[] { 3, 25, 50 }, 125)]
    [InlineData("<answer>(25 - 50 / 7 * 3) * 7</answer>", new[] { 3, 7, 7, 25, 50 }, 25)] // exact: 50/7*3 is not an integer
    [InlineData("<answer>25 ÷ (7 - 3 - 3)</answer>", new[] { 3, 3, 7, 25 }, 25)]
    [InlineData("<answer>50 * 3 - 25 = 125</answer>", new[] { 3, 25, 50 }, 125)]
    [InlineData("<answer>125 = 50 * 3 - 25</answer>", new[] { 3, 25, 50 }, 125)]
    [InlineData("<answer>1 / 3 + 1 / 3 + 1 / 3</answer>", new[] { 1, 1, 1, 3, 3, 3 }, 1)] // rationals, no float error
    [InlineData("<answer> ((((50)))) * 3 - 25 </answer>", new[] { 3, 25, 50 }, 125)]
    public void Right_answers_score_1(string completion, int[] numbers, int target) =>
        Score(completion, numbers, target).Should().Be(1.0);

    [Theory]
    [InlineData("<answer>50 * 3 - 25 = 124</answer>")]
    [InlineData("<answer>50 * 3 - 25 = 125 = 125</answer>")]
    [InlineData("<answer>-25 + 50 * 3</answer>")] // unary minus
    [InlineData("<answer>50 * 3 - 25 + 0</answer>")]
    [InlineData("<answer>50 * 3 - 25 + 7 / 0</answer>")]
    [InlineData("<answer>50 * 3 - 25)</answer>")]
    [InlineData("<answer>(50 * 3 - 25</answer>")]
    [InlineData("<answer>50 ** 3 - 25</answer>")]
    [InlineData("<answer>50 * 3 - 25.0</answer>")]
    [InlineData("<answer>eval('50*3-25')</answer>")]
    [InlineData("<answer>import os; os.system('ls')</answer>")]
    [InlineData("<answer></answer>")]
    [InlineData("50 * 3 - 25")]
    [InlineData("<answer>50 * 3 - 25")]
    public void Malformed_answers_score_0(string completion) => Score(completion, [3, 25, 50], 125).Should().Be(0.0);

    public static TheoryData<string, string> Hostile => new()
    {
        { "deep parentheses", "<answer>" + new string('(', 100_000) + "3" + new string(')', 100_000) + "</answer>" },
        { "deep short", "<answer>" + new string('(', 250) + "50 * 3 - 25" + new string(')', 250) + "</answer>" },
        { "1MB digits", "<answer>" + new string('9', 1_000_000) + "</answer>" },
        { "1MB of numbers", "<answer>" + string.Concat(Enumerable.Repeat("3+", 500_000)) + "3</answer>" },
        { "huge literal", "<answer>" + new string('9', 400) + " * 3 - 25</answer>" },
        { "unbalanced 1MB", new string('(', 1_000_000) },
        { "many answer tags", string.Concat(Enumerable.Repeat("<answer>", 100_000)) + "</answer>" },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Hostile_input_scores_0_fast(string name, string completion)
    {
        var watch = Stopwatch.StartNew();
        Score(completion, [3, 25, 50], 125).Should().Be(0.0, name);
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(1), name);
    }

    [Fact]
    public void Rows_without_numbers_or_target_score_null()
    {
        Reward.Score(Rows.With(("target", 125)), "<answer>50*3-25</answer>").Should().BeNull();
        Reward.Score(Rows.With(("numbers", new[] { 3, 25, 50 })), "<answer>50*3-25</answer>").Should().BeNull();
        Reward.Score(Rows.With(("numbers", "abc"), ("target", 125)), "<answer>50*3-25</answer>").Should().BeNull();
        Reward.Score(Rows.With(("numbers", new[] { 3, 25, 50 }), ("target", "x")), "<answer>50*3-25</answer>").Should().BeNull();
    }

    [Fact]
    public void Numbers_and_target_may_be_strings()
    {
        Reward.Score(Rows.With(("numbers", "[3, 25, 50]"), ("target", "125")), "<answer>50*3-25</answer>").Should().Be(1.0);
        Reward.Score(Rows.With(("numbers", new[] { 1, 2, 2 }), ("target", 1.5)), "<answer>(1+2)/2</answer>").Should().Be(1.0);
        Reward.Score(Rows.With(("numbers", new[] { 1, 2 }), ("target", 1.5)), "<answer>(1+2)/2</answer>").Should().Be(0.0);
    }
}
