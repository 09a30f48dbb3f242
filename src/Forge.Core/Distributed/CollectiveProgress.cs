namespace Forge.Core.Distributed;

/// <summary>
/// How far a rank has come through the job's collectives, as its watchdog reports it to rank 0
/// (<see cref="StallDetector"/>): how many it has launched (<see cref="Entered"/>; a barrier is one), how many of those
/// its device has finished (<see cref="Finished"/>: NCCL's run asynchronously on the device's stream, so a launched
/// collective may still be waiting there for the other ranks; a communicator whose collectives return finished reports
/// the two equal), and whether it is waiting at a barrier now.
/// </summary>
public readonly record struct CollectiveProgress(long Entered, long Finished, bool AtBarrier)
{
    /// <summary>Progress of a communicator whose collectives have finished when they return.</summary>
    public static CollectiveProgress Synchronous(long entered, bool atBarrier = false) => new(entered, entered, atBarrier);

    /// <summary>True while a launched collective has not finished on the device.</summary>
    public bool InFlight => Finished < Entered;
}
