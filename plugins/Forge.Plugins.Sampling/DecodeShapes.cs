namespace Forge.Plugins.Sampling;

/// <summary>
/// The shapes a generation runs in. Dynamic (as on the CPU): the batch is as wide as its longest prompt and shrinks
/// by every row that finishes. Fixed (as on CUDA, where attention kernels are planned per shape and a new shape costs
/// tens of milliseconds): prompts are left-padded to a multiple of <see cref="WidthAlignment"/>, the cache holds a
/// multiple of <see cref="CapacityAlignment"/> positions, and the batch keeps
/// finished rows (their output ignored) until the unfinished ones fit a smaller bucket — 1, 2, 4, 8, then multiples of
/// 8, as vLLM's CUDA-graph sizes — so a run meets a few shapes, each planned once, instead of a new one per row that
/// ends.
/// </summary>
internal sealed class DecodeShapes(bool fixedShapes)
{
    /// <summary>Prompt widths are rounded up to a multiple of this in fixed mode.</summary>
    public const int WidthAlignment = 32;

    /// <summary>True when shapes are bucketed.</summary>
    public bool Fixed => fixedShapes;

    /// <summary>A fixed-mode cache's capacity is rounded up to a multiple of this.</summary>
    public const int CapacityAlignment = 128;

    /// <summary>
    /// The cache's positions for prompts <paramref name="width"/> wide and <paramref name="newTokens"/> to generate:
    /// in fixed mode rounded up to a multiple of <see cref="CapacityAlignment"/>, so that batches whose prompts differ in
    /// width still decode in the same shapes (attention reads the whole capacity).
    /// </summary>
    public int Capacity(int width, int newTokens) =>
        fixedShapes ? (width + newTokens + CapacityAlignment - 1) / CapacityAlignment * CapacityAlignment : width + newTokens;

    /// <summary>The batch's prompt width for a longest prompt of <paramref name="longest"/> tokens.</summary>
    public int Width(int longest) => fixedShapes ? (longest + WidthAlignment - 1) / WidthAlignment * WidthAlignment : longest;

    /// <summary>
    /// The batch size to continue with when <paramref name="unfinished"/> of the <paramref name="current"/> rows are
    /// still generating: <paramref name="current"/> when the batch should stay as it is.
    /// </summary>
    public int BatchFor(int unfinished, int current)
    {
        if (!fixedShapes) return unfinished;
        int bucket = Bucket(unfinished);
        return bucket < current ? bucket : current;
    }

    /// <summary>The smallest bucket holding <paramref name="rows"/> rows: 1, 2, 4, 8, 16, 24, 32, …</summary>
    public static int Bucket(int rows) => rows <= 8 ? (rows <= 1 ? 1 : 1 << (32 - int.LeadingZeroCount(rows - 1))) : (rows + 7) / 8 * 8;
}
