using Forge.Contracts.Rewards;
using Forge.Plugins.Rewards;

namespace Forge.Plugins.Rewards.Tests;

/// <summary>The accuracy reward tells the evaluator which final answers are one vote.</summary>
public class AnswerEquivalenceTests
{
    // Cast at run time so that these tests compile (and fail) against a reward without the interface.
    private static IAnswerEquivalence Equivalence => (IAnswerEquivalence)(object)new AccuracyReward(new AccuracyOptions());

    [Theory]
    [InlineData(@"so \boxed{0.5}.", "0.5")]
    [InlineData(@"first \boxed{3}, then finally \boxed{\frac{1}{2}}", @"\frac{1}{2}")]
    [InlineData("<think>x</think><answer> 1/2 </answer>", "1/2")]
    [InlineData(@"$\boxed{2}$ and $\boxed{3}$", "2, 3")]
    public void Extracts_the_answer_the_reward_judges(string completion, string answer) =>
        Equivalence.ExtractAnswer(completion).Should().Be(answer);

    [Fact]
    public void A_completion_without_an_answer_has_none() =>
        Equivalence.ExtractAnswer("no answer here").Should().BeNull();

    [Theory]
    [InlineData("1/2", "0.5", true)]
    [InlineData(@"\frac{1}{2}", "0.50", true)]
    [InlineData("1e3", "1,000", true)]
    [InlineData(@"\{1,2\}", @"\{2,1\}", true)]
    [InlineData(@"2\sqrt{2}", @"\sqrt{8}", true)]
    [InlineData("5 m", "5", true)]
    [InlineData("(1,2)", "(2,1)", false)]
    [InlineData(@"50\%", "0.5", false)]
    [InlineData(@"50\%", "50", false)]
    [InlineData("5 m", "5 km", false)]
    [InlineData("1000000001", "1000000000", false)]
    public void Equivalence_is_symmetric(string first, string second, bool equivalent)
    {
        Equivalence.AreEquivalent(first, second).Should().Be(equivalent);
        Equivalence.AreEquivalent(second, first).Should().Be(equivalent);
    }
}
