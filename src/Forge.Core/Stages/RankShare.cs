using Forge.Core.Distributed;

namespace Forge.Core.Stages;

/// <summary>How many rows each rank takes of what all ranks draw alike.</summary>
internal static class RankShare
{
    /// <summary>Every rank's <paramref name="need"/>, by rank (one all-reduce).</summary>
    public static int[] Needs(ICommunicator communicator, int need)
    {
        var slots = new double[communicator.WorldSize];
        slots[communicator.Rank] = Math.Max(0, need);
        return communicator.AllReduceValues(slots).Select(v => (int)v).ToArray();
    }

    /// <summary>Rank <paramref name="rank"/>'s contiguous share of <paramref name="count"/> rows split as evenly as possible.</summary>
    public static (int Start, int Count) Of(int count, int rank, int ranks)
    {
        int start = (int)((long)count * rank / ranks), end = (int)((long)count * (rank + 1) / ranks);
        return (start, end - start);
    }
}
