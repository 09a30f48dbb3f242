using Forge.Core.Distributed;

namespace Forge.Core.Stages;

/// <summary>
/// A step's metrics over the ranks of a data-parallel run: a plugin's keys are averaged (a plugin that made a value
/// batch-wide itself, through <c>ITrainingContext.SumOverRanks</c>, gives every rank the same value, which the average
/// keeps), times (<c>time/…</c>) and collector pauses (<c>gc/…</c>) take the slowest rank, the step's critical path, and
/// device memory (<c>memory/…</c>) the fullest rank, the one that runs out first.
/// Every rank must report the same keys.
/// </summary>
internal static class RankMetrics
{
    public static Dictionary<string, double> Combine(ICommunicator communicator, IReadOnlyDictionary<string, double> local)
    {
        if (communicator.WorldSize == 1) return new Dictionary<string, double>(local);
        var keys = local.Keys.Order(StringComparer.Ordinal).ToList();
        double hash = Fnv(keys);
        var low = communicator.AllReduceValues([keys.Count, hash], ReduceOp.Min);
        var high = communicator.AllReduceValues([keys.Count, hash], ReduceOp.Max);
        if (!low.SequenceEqual(high))
            throw new InvalidOperationException($"rank {communicator.Rank}: the ranks reported different metric keys for one step (this rank: {string.Join(", ", keys)})");
        var slowest = keys.Select(TakesLargest).ToArray();
        var averaged = communicator.AllReduceValues(keys.Select((k, i) => slowest[i] ? 0 : local[k]).ToArray(), ReduceOp.Average);
        var maxima = communicator.AllReduceValues(keys.Select((k, i) => slowest[i] ? local[k] : double.MinValue).ToArray(), ReduceOp.Max);
        return keys.Select((k, i) => (k, slowest[i] ? maxima[i] : averaged[i])).ToDictionary(p => p.k, p => p.Item2, StringComparer.Ordinal);
    }

    private static bool TakesLargest(string key) =>
        key.StartsWith("time/", StringComparison.Ordinal) || key.StartsWith("gc/", StringComparison.Ordinal) || key.StartsWith("memory/", StringComparison.Ordinal);

    /// <summary>A 32-bit FNV-1a hash of the keys (exact in a double, the same in every process).</summary>
    private static double Fnv(IEnumerable<string> keys)
    {
        uint hash = 2166136261;
        foreach (char c in string.Join('\n', keys))
        {
            hash ^= c;
            hash *= 16777619;
        }
        return hash;
    }
}
