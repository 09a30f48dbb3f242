namespace Forge.Core.Stages;

/// <summary>
/// One epoch's batches of trace indices. With bucketing (as Hugging Face's <c>group_by_length</c>), the shuffled
/// traces are cut into windows of <see cref="WindowBatches"/> batches, each window is sorted by length and split, and
/// the batches are shuffled again: rows of a batch have similar lengths, so little of each batch is padding, while
/// every epoch still sees a fresh order.
/// </summary>
public static class LengthBuckets
{
    /// <summary>Batches per sorting window.</summary>
    public const int WindowBatches = 16;

    /// <summary>The batches of one epoch; <paramref name="random"/> decides the order.</summary>
    public static IReadOnlyList<int[]> Plan(IReadOnlyList<int> lengths, int batchSize, bool bucketing, Random random)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var order = Enumerable.Range(0, lengths.Count).ToArray();
        random.Shuffle(order);
        if (!bucketing) return order.Chunk(batchSize).ToList();
        var batches = order.Chunk(batchSize * WindowBatches)
            .SelectMany(window => window.OrderBy(i => lengths[i]).Chunk(batchSize))
            .ToArray();
        random.Shuffle(batches);
        return batches;
    }
}
