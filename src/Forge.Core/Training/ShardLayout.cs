using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Forge.Core.Training;

/// <summary>
/// Where each trainable parameter lies in one flat float32 vector, padded to a multiple of the ranks and cut into one
/// equal shard per rank (ZeRO stage 1): rank r owns elements [r·S, (r + 1)·S).
/// </summary>
internal sealed class ShardLayout
{
    public ShardLayout(IReadOnlyList<Parameter> parameters, int ranks, int rank)
    {
        Parameters = parameters;
        Offsets = new long[parameters.Count];
        long total = 0;
        for (int i = 0; i < parameters.Count; i++)
        {
            Offsets[i] = total;
            total += parameters[i].numel();
        }
        Elements = total;
        ShardSize = Math.Max(1, (total + ranks - 1) / ranks);
        Ranks = ranks;
        Start = ShardSize * rank;
    }

    public IReadOnlyList<Parameter> Parameters { get; }

    public long[] Offsets { get; }

    /// <summary>Elements of all parameters together.</summary>
    public long Elements { get; }

    /// <summary>Elements per rank (S).</summary>
    public long ShardSize { get; }

    public int Ranks { get; }

    /// <summary>This rank's first element.</summary>
    public long Start { get; }

    /// <summary>The padded flat float32 vector [ranks · S] of <paramref name="values"/> (null entries are zeros).</summary>
    public Tensor Flatten(IEnumerable<Tensor?> values, Device device)
    {
        var flat = zeros(ShardSize * Ranks, ScalarType.Float32, device);
        int i = 0;
        foreach (var value in values)
        {
            if (value is not null) flat.narrow(0, Offsets[i], value.numel()).copy_(value.reshape(-1));
            i++;
        }
        return flat;
    }

    /// <summary>Parameter <paramref name="index"/>'s part of a flat vector, in its shape.</summary>
    public Tensor Slice(Tensor flat, int index) => flat.narrow(0, Offsets[index], Parameters[index].numel()).view(Parameters[index].shape);
}
