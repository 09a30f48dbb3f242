using Forge.Plugins.Rewards;

namespace Forge.Plugins.Rewards.Tests;

public class FormatRewardTests
{
    private static readonly FormatReward Format = new(new FormatOptions());
    private static readonly TagCountReward TagCount = new(new TagCountOptions());

    [Theory]
    [InlineData("<think>2+2 is 4</think><answer>4</answer>", 1.0, 1.0)]
    [InlineData("  <think>\nreason\n</think>\n<answer>4</answer>\n", 1.0, 1.0)]
    [InlineData("<think>reason</think> <answer>4</answer> trailing", 0.0, 0.75)]
    [InlineData("<think>reason</think>", 0.0, 0.5)]
    [InlineData("<answer>4</answer>", 0.0, 0.25)]
    [InlineData("4", 0.0, 0.0)]
    [InlineData("", 0.0, 0.0)]
    [InlineData("<think>a</think><think>b</think><answer>4</answer>", 0.0, 0.5)]
    [InlineData("<think>a<answer>3</answer></think><answer>4</answer>", 0.0, 0.5)]
    [InlineData("<answer>4</answer><think>a</think>", 0.0, 0.25)]
    [InlineData("<think>a</think><answer>4</answer></answer>", 0.0, 0.75)]
    [InlineData("<think>a</think><answer>4", 0.0, 0.75)]
    [InlineData("x<think>a</think><answer>4</answer>", 0.0, 0.75)]
    public void Format_and_tag_count(string completion, double format, double tagCount)
    {
        Format.Score(Rows.With(), completion).Should().Be(format);
        TagCount.Score(Rows.With(), completion).Should().Be(tagCount);
    }

    [Fact]
    public void Think_opened_by_the_prompt()
    {
        var format = new FormatReward(new FormatOptions { ThinkOpensInPrompt = true });
        var tags = new TagCountReward(new TagCountOptions { ThinkOpensInPrompt = true });
        format.Score(Rows.With(), "reason</think><answer>4</answer>").Should().Be(1.0);
        tags.Score(Rows.With(), "reason</think><answer>4</answer>").Should().Be(1.0);
        format.Score(Rows.With(), "<think>reason</think><answer>4</answer>").Should().Be(0.0);
        tags.Score(Rows.With(), "<think>reason</think><answer>4</answer>").Should().Be(0.75);
    }

    [Fact]
    public void Huge_input_is_fast()
    {
        string huge = "<think>" + new string('x', 1_000_000) + "</think><answer>" + string.Concat(Enumerable.Repeat("<answer>", 10_000)) + "</answer>";
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Format.Score(Rows.With(), huge).Should().Be(0.0);
        TagCount.Score(Rows.With(), huge).Should().Be(0.75);
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(2));
    }
}
