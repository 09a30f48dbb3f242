using Forge.Plugins.Rewards;

namespace Forge.Plugins.Rewards.Tests;

public class ShapingRewardTests
{
    private static readonly CosineReward Cosine = new(new CosineOptions());

    [Theory]
    [InlineData(true, 1, 1.0)]
    [InlineData(true, 500, 0.75)]
    [InlineData(true, 1000, 0.5)]
    [InlineData(true, 5000, 0.5)]
    [InlineData(false, 1, -1.0)]
    [InlineData(false, 500, -0.75)]
    [InlineData(false, 1000, -0.5)]
    [InlineData(false, 5000, -0.5)]
    public void Cosine_scales_correctness_by_length(bool correct, int tokens, double expected)
    {
        string completion = correct ? @"<think>…</think><answer>\frac{10}{2}</answer>" : "<answer>6</answer>";
        Cosine.Score(Rows.With(("answer", "5")), completion, tokens).Should().BeApproximately(expected, 1e-5);
    }

    [Fact]
    public void Cosine_is_monotone_and_null_without_gold()
    {
        var row = Rows.With(("answer", "5"));
        var right = Enumerable.Range(1, 20).Select(t => Cosine.Score(row, "<answer>5</answer>", t * 50)!.Value).ToList();
        var wrong = Enumerable.Range(1, 20).Select(t => Cosine.Score(row, "<answer>4</answer>", t * 50)!.Value).ToList();
        right.Should().BeInDescendingOrder();
        wrong.Should().BeInAscendingOrder();
        right.Min().Should().BeGreaterThan(wrong.Max());
        Cosine.Score(Rows.With(), "<answer>5</answer>", 10).Should().BeNull();
        Cosine.Score(row, "5 5 5 5", 0).Should().BeApproximately(-1.0, 1e-3, "no answer is wrong; 4 words long");
    }

    [Fact]
    public void Cosine_exceed_penalty_applies_to_truncated_or_overlong()
    {
        var cosine = new CosineReward(new CosineOptions { ExceedPenalty = -10, MaxLength = 100 });
        var row = Rows.With(("answer", "5"));
        cosine.Score(row, "<answer>5</answer>", 50, truncated: true).Should().Be(-10);
        cosine.Score(row, "<answer>5</answer>", 101).Should().Be(-10);
        cosine.Score(row, "<answer>5</answer>", 100).Should().BeApproximately(0.5, 1e-9);
    }

    [Theory]
    [InlineData("a b c d e f", 3, 0.0)]
    [InlineData("a b", 3, 0.0)]
    [InlineData("", 3, 0.0)]
    [InlineData("a b c a b c a b c", 3, -4.0 / 7)]
    [InlineData("The cat sat. the CAT sat.", 2, -2.0 / 5)]
    [InlineData("x x x x x", 1, -4.0 / 5)]
    [InlineData("我我我我我我", 3, -3.0 / 4)]
    public void Repetition_penalizes_repeated_ngrams(string completion, int n, double expected) =>
        new RepetitionReward(new RepetitionOptions { NgramSize = n }).Score(Rows.With(), completion)
            .Should().BeApproximately(expected, 1e-9);

    [Fact]
    public void Repetition_scales_with_max_penalty_and_handles_huge_input()
    {
        new RepetitionReward(new RepetitionOptions { MaxPenalty = 2 }).Score(Rows.With(), "a b c a b c a b c")
            .Should().BeApproximately(-8.0 / 7, 1e-9);
        string huge = string.Concat(Enumerable.Repeat("the same words again ", 250_000));
        new RepetitionReward(new RepetitionOptions()).Score(Rows.With(), huge).Should().BeLessThan(-0.99);
    }

    [Theory]
    [InlineData(50, 0.0)]
    [InlineData(80, 0.0)]
    [InlineData(90, -0.5)]
    [InlineData(100, -1.0)]
    [InlineData(150, -1.0)]
    public void Overlong_punishes_softly_then_fully(int tokens, double expected) =>
        new OverlongReward(new OverlongOptions { MaxLength = 100, CacheLength = 20 }).Score(Rows.With(), "text", tokens)
            .Should().BeApproximately(expected, 1e-9);

    [Fact]
    public void Overlong_counts_words_when_tokens_are_unknown()
    {
        var reward = new OverlongReward(new OverlongOptions { MaxLength = 100, CacheLength = 20 });
        reward.Score(Rows.With(), string.Concat(Enumerable.Repeat("w ", 90))).Should().BeApproximately(-0.5, 1e-9);
        reward.Score(Rows.With(), "").Should().Be(0.0);
    }
}
