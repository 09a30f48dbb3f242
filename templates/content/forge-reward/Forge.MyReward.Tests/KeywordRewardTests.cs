using Forge.Contracts.Data;
using Forge.Contracts.Rewards;

namespace Forge.MyReward.Tests;

public class KeywordRewardTests
{
    [Fact]
    public void Completions_with_the_keyword_get_the_score_and_the_others_zero()
    {
        var reward = new KeywordReward(new KeywordRewardOptions { Keyword = "<answer>", Score = 2.0 });
        var row = new PromptRow("1", "What is 2+2?");

        var scores = reward.Score([
            new RewardInput(row, "<think>2+2=4</think><ANSWER>4</answer>"),
            new RewardInput(row, "It is four."),
        ]);

        Assert.Equal(new double?[] { 2.0, 0.0 }, scores);
    }
}
