namespace Forge.Core.Stages;

/// <summary>
/// Two blocking collections of the young generations between a training stage's setup and its first step. Setup leaves
/// millions of small objects in generation 0 — a tokenizer's vocabulary and merges, the model's tensor wrappers, the
/// data — most of them kept for the whole stage, and the collector's generation-0 budget is large enough on a big machine
/// that its first collection comes several steps in: it then marks and promotes all of it with every thread stopped
/// (151 ms in the middle of step 2 of a 0.5B GRPO run on an H200, where with several ranks every rank waits at the next
/// collective). Two collections of generations 0 and 1 here carry what setup kept into generation 2, so that cost falls
/// in setup; they touch only the young generations, not the whole heap, so a process that holds much more (a host
/// running many stages) does not pay for a full collection.
/// </summary>
internal static class SetupCollection
{
    /// <summary>Collects; returns the collector's pause in milliseconds (the first step's <c>gc/setup_pause_ms</c>).</summary>
    public static double Run()
    {
        var before = GC.GetTotalPauseDuration();
        GC.Collect(1, GCCollectionMode.Forced, blocking: true);
        GC.Collect(1, GCCollectionMode.Forced, blocking: true);
        return (GC.GetTotalPauseDuration() - before).TotalMilliseconds;
    }
}
