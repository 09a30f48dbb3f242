using Forge.Contracts.Data;
using Forge.Contracts.Rewards;
using static TorchSharp.torch;

namespace Forge.MyReward.Tests;

public class SampleRewardTests
{
    [Fact]
    public void Completions_with_the_keyword_score_and_lead_their_group()
    {
        var reward = new SampleReward(new SampleRewardOptions { Keyword = "<answer>", Score = 2.0 });
        var row = new PromptRow("1", "What is 2+2?");

        var scores = reward.Score([
            new RewardInput(row, "<think>2+2=4</think><ANSWER>4</answer>"),
            new RewardInput(row, "It is four."),
        ]);

        Assert.Equal(new double?[] { 2.0, 0.0 }, scores);
        // As a group-relative optimizer sees them: the group's rewards as a tensor, centred on their mean
        // (Forge.Testing brings the libtorch this runs on).
        var rewards = tensor(scores.Select(s => s ?? 0).ToArray());
        Assert.Equal(new[] { 1.0, -1.0 }, (rewards - rewards.mean()).data<double>().ToArray());
    }
}
