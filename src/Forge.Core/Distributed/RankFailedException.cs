namespace Forge.Core.Distributed;

/// <summary>
/// Another rank of the job failed or disappeared while this one waited for it: the job ends with one line naming the
/// rank (<see cref="FailedRank"/>, −1 when unknown) instead of hanging in a collective.
/// </summary>
public sealed class RankFailedException : Exception
{
    /// <summary>Creates the exception for <paramref name="rank"/> with <paramref name="message"/>.</summary>
    public RankFailedException(int rank, string message, Exception? inner = null) : base(message, inner) => FailedRank = rank;

    /// <summary>The rank that failed, or −1 when unknown.</summary>
    public int FailedRank { get; }
}
