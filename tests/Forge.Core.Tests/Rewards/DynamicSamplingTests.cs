using Forge.Core.Rewards;
using Forge.Core.Stages;

namespace Forge.Core.Tests.Rewards;

public class DynamicSamplingTests
{
    private static RewardScores Score(double total) => new(new Dictionary<string, double?>(), total);

    [Fact]
    public void Groups_with_equal_rewards_carry_no_signal()
    {
        DynamicSampling.IsInformative([Score(1), Score(1), Score(1)]).Should().BeFalse();
        DynamicSampling.IsInformative([Score(0), Score(0)]).Should().BeFalse();
        DynamicSampling.IsInformative([Score(0), Score(1), Score(0)]).Should().BeTrue();
    }
}
