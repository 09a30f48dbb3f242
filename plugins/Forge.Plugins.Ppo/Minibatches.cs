using Forge.Contracts.Training;

namespace Forge.Plugins.Ppo;

/// <summary>How PPO splits an epoch's (shuffled) rows into optimizer updates.</summary>
public static class Minibatches
{
    /// <summary>
    /// Consecutive ranges covering all <paramref name="rows"/> rows in min(<paramref name="count"/>, rows) minibatches
    /// whose sizes differ by at most one, the larger ones first (as numpy's <c>array_split</c>, without empty parts).
    /// </summary>
    public static IReadOnlyList<RowRange> Split(long rows, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        long parts = Math.Min(count, rows);
        var ranges = new List<RowRange>();
        long start = 0;
        for (long i = 0; i < parts; i++)
        {
            long length = rows / parts + (i < rows % parts ? 1 : 0);
            ranges.Add(new RowRange(start, length));
            start += length;
        }
        return ranges;
    }
}
