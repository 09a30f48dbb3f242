namespace Forge.MyOptimizer;

/// <summary>The advantage of each completion: its reward minus the mean reward of its prompt's group.</summary>
public static class SampleOptimizerBaseline
{
    /// <summary>Advantages for <paramref name="rewards"/> in consecutive groups of <paramref name="groupSize"/>.</summary>
    public static double[] Advantages(IReadOnlyList<double> rewards, int groupSize)
    {
        ArgumentNullException.ThrowIfNull(rewards);
        ArgumentOutOfRangeException.ThrowIfLessThan(groupSize, 1);
        if (rewards.Count % groupSize != 0)
            throw new ArgumentException($"{rewards.Count} rewards do not split into groups of {groupSize}", nameof(rewards));
        var advantages = new double[rewards.Count];
        for (int start = 0; start < rewards.Count; start += groupSize)
        {
            double mean = 0;
            for (int i = start; i < start + groupSize; i++) mean += rewards[i] / groupSize;
            for (int i = start; i < start + groupSize; i++) advantages[i] = rewards[i] - mean;
        }
        return advantages;
    }
}
