namespace Forge.MyOptimizer.Tests;

public class GroupBaselineTests
{
    [Fact]
    public void Each_reward_is_measured_against_its_own_group_mean()
    {
        double[] rewards = [1, 0, 0, 1, 0.5, 0.5, 0.5, 0.5];

        double[] advantages = GroupBaseline.Advantages(rewards, groupSize: 4);

        Assert.Equal(new[] { 0.5, -0.5, -0.5, 0.5, 0, 0, 0, 0 }, advantages);
        Assert.Throws<ArgumentException>(() => GroupBaseline.Advantages(rewards, groupSize: 3));
    }
}
