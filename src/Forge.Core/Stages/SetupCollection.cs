namespace Forge.Core.Stages;

/// <summary>
/// One full, blocking garbage collection between a training stage's setup and its first step. Setup leaves millions of
/// small objects in generation 0 — a tokenizer's vocabulary and merges, the model's tensor wrappers, the data — most of
/// them kept for the whole stage, and the collector's generation-0 budget is large enough on a big machine that its
/// first collection comes several steps in: it then marks and promotes all of it with every thread stopped (151 ms in
/// the middle of step 2 of a 0.5B GRPO run on an H200, where with several ranks every rank waits at the next
/// collective). Collected here, that cost falls in setup, and the finalizers of the tensors setup dropped run now,
/// handing their memory back before training starts.
/// </summary>
internal static class SetupCollection
{
    /// <summary>Collects; returns the collector's pause in milliseconds (the first step's <c>gc/setup_pause_ms</c>).</summary>
    public static double Run()
    {
        var before = GC.GetTotalPauseDuration();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return (GC.GetTotalPauseDuration() - before).TotalMilliseconds;
    }
}
