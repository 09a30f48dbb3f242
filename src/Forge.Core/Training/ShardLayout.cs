using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Forge.Core.Training;

/// <summary>
/// Where each trainable parameter lies in one flat vector (the parameters end to end) and which part of it each rank
/// owns under ZeRO stage 1. The flat index space is walked in buckets of at most the configured bucket size; bucket k
/// is cut into one equal piece per rank (rank r owns the r-th), so one bucket is reduce-scattered — and all-gathered
/// back — at a time, and a rank's shard is its pieces of every bucket in order. Pieces are as large as the bucket
/// allows (bucket size / ranks); the last bucket is only as large as what is left, so the shards together hold fewer
/// than <see cref="Ranks"/> elements of padding. Nothing here holds the whole flat vector: <see cref="Pack"/> and <see cref="Unpack"/> copy
/// one range of it from or into the parameters' own tensors.
/// </summary>
internal sealed class ShardLayout
{
    private readonly HashSet<IntPtr> _handles;

    public ShardLayout(IReadOnlyList<Parameter> parameters, int ranks, int rank, long bucketElements)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ranks, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(bucketElements, 1);
        Parameters = parameters;
        Ranks = ranks;
        Rank = rank;
        Offsets = new long[parameters.Count];
        long total = 0;
        for (int i = 0; i < parameters.Count; i++)
        {
            Offsets[i] = total;
            total += parameters[i].numel();
        }
        Elements = total;
        _handles = parameters.Select(p => p.Handle).ToHashSet();
        long piece = Math.Max(1, bucketElements / ranks);
        var buckets = new List<ShardBucket>();
        long start = 0, offset = 0;
        do
        {
            // Full pieces while they fit; the last bucket shares what is left (rounded up to a multiple of the ranks).
            long size = Math.Min(piece, Math.Max(1, (total - start + ranks - 1) / ranks));
            buckets.Add(new ShardBucket(start, size, offset, ranks));
            start += size * ranks;
            offset += size;
        }
        while (start < total);
        Buckets = buckets;
        ShardSize = offset;
        BucketSpan = buckets.Max(b => b.Span);
    }

    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Each parameter's first element in the flat vector.</summary>
    public long[] Offsets { get; }

    /// <summary>Elements of all parameters together.</summary>
    public long Elements { get; }

    public int Ranks { get; }

    public int Rank { get; }

    /// <summary>The buckets, in flat order.</summary>
    public IReadOnlyList<ShardBucket> Buckets { get; }

    /// <summary>Elements of this rank's shard (the sum of its pieces).</summary>
    public long ShardSize { get; }

    /// <summary>Elements of the largest bucket (all ranks' pieces of it): the buffer a reduce-scatter or all-gather needs.</summary>
    public long BucketSpan { get; }

    /// <summary>Whether <paramref name="parameter"/> is one of <see cref="Parameters"/>.</summary>
    public bool Contains(Parameter parameter) => _handles.Contains(parameter.Handle);

    /// <summary>The flat index of this rank's piece of <paramref name="bucket"/>.</summary>
    public long PieceStart(ShardBucket bucket) => bucket.Start + Rank * bucket.Piece;

    /// <summary>
    /// Fills <paramref name="destination"/> (1-D, contiguous, any length) with the flat elements
    /// [<paramref name="start"/>, start + length) of <paramref name="values"/> (parameter i's values, in its shape;
    /// null reads as zeros, as does padding past the last parameter), converting to the destination's dtype.
    /// </summary>
    public void Pack(long start, Tensor destination, Func<int, Tensor?> values)
    {
        destination.zero_();
        foreach (var (i, from, to) in Overlaps(start, destination.numel()))
        {
            var value = values(i);
            if (value is null) continue;
            using var flat = value.reshape(-1);
            using var source = flat.narrow(0, from - Offsets[i], to - from);
            using var target = destination.narrow(0, from - start, to - from);
            target.copy_(source);
        }
    }

    /// <summary>
    /// Copies <paramref name="source"/> (1-D), the flat elements [<paramref name="start"/>, start + length), into the
    /// parts of <paramref name="targets"/> (parameter i's tensor, in its shape) that it covers, converting to each
    /// target's dtype and device.
    /// </summary>
    public void Unpack(long start, Tensor source, Func<int, Tensor> targets)
    {
        foreach (var (i, from, to) in Overlaps(start, source.numel()))
        {
            var target = targets(i);
            using var part = source.narrow(0, from - start, to - from);
            if (target.is_contiguous())
            {
                using var flat = target.view(-1);
                using var slice = flat.narrow(0, from - Offsets[i], to - from);
                slice.copy_(part);
                continue;
            }
            using var staged = target.contiguous();
            using (var flat = staged.view(-1))
            using (var slice = flat.narrow(0, from - Offsets[i], to - from))
                slice.copy_(part);
            target.copy_(staged);
        }
    }

    /// <summary>The parameters that the flat range [start, start + length) touches, with the part of the range in each.</summary>
    private IEnumerable<(int Index, long From, long To)> Overlaps(long start, long length)
    {
        long end = start + length;
        // The first parameter that ends after start (offsets ascend).
        int lo = 0, hi = Offsets.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            if (Offsets[mid] + Parameters[mid].numel() <= start) lo = mid + 1;
            else hi = mid;
        }
        for (int i = lo; i < Offsets.Length && Offsets[i] < end; i++)
        {
            long from = Math.Max(start, Offsets[i]);
            long to = Math.Min(end, Offsets[i] + Parameters[i].numel());
            if (to > from) yield return (i, from, to);
        }
    }
}

/// <summary>
/// One bucket of a <see cref="ShardLayout"/>: flat elements [<see cref="Start"/>, Start + <see cref="Span"/>), rank r's
/// piece at [Start + r·<see cref="Piece"/>, Start + (r + 1)·Piece), kept at [<see cref="ShardOffset"/>, ShardOffset +
/// Piece) of the rank's shard.
/// </summary>
internal readonly record struct ShardBucket(long Start, long Piece, long ShardOffset, int Ranks)
{
    /// <summary>Elements of the bucket, all ranks' pieces together.</summary>
    public long Span => Piece * Ranks;
}
