using Forge.Core.Distributed;
using static TorchSharp.torch;

namespace Forge.Bench;

/// <summary>
/// Rank 0 of a world of <c>worldSize</c> ranks whose peers are not there: every other rank is taken to hold what this
/// one holds. One GPU then allocates and computes what rank 0 of an N-GPU data-parallel job does — the same shards,
/// buckets, staging copies and global statistics — less the transfers themselves; for measuring per-rank memory and
/// compute (grpo-step <c>--mirror-ranks</c>), never for training. A sum is this rank's value times N; an average,
/// maximum or minimum is this rank's value; a reduce-scatter leaves this rank's chunk of the input; an all-gather
/// writes this rank's slot and leaves the others' as the output held them (the peers' pieces of a parameter bucket, as
/// they were before the step).
/// </summary>
internal sealed class MirroredPeers(int worldSize, Device device) : ICommunicator
{
    public int Rank => 0;

    public int WorldSize { get; } = worldSize >= 2 ? worldSize : throw new ArgumentOutOfRangeException(nameof(worldSize), worldSize, "a mirrored world has at least 2 ranks");

    public Device Device { get; } = device;

    public void AllReduce(Tensor tensor, ReduceOp op = ReduceOp.Sum)
    {
        if (op != ReduceOp.Sum) return;
        using var noGrad = no_grad();
        tensor.mul_(WorldSize);
    }

    public void Broadcast(Tensor tensor, int root = 0)
    {
    }

    public void AllGather(Tensor input, Tensor output)
    {
        using var noGrad = no_grad();
        using var slot = output.view(-1).narrow(0, 0, input.numel());
        slot.copy_(input.view(-1));
    }

    public void ReduceScatter(Tensor input, Tensor output, ReduceOp op = ReduceOp.Sum)
    {
        using var noGrad = no_grad();
        using var chunk = input.view(-1).narrow(0, 0, output.numel());
        using var flat = output.view(-1);
        flat.copy_(chunk);
        if (op == ReduceOp.Sum) flat.mul_(WorldSize);
    }

    public void Barrier()
    {
    }

    public void Dispose()
    {
    }
}
