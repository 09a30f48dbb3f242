using static TorchSharp.torch;

namespace Forge.Core.Distributed;

/// <summary>
/// One rank of an <see cref="InProcessWorld"/>. A collective has two phases: every rank leaves a CPU copy of its
/// tensor in its slot and waits; then every rank reads all slots (reducing in rank order, so the bits agree) and waits
/// again before the slots are reused. Every temporary view is held in a <c>using</c> until its copy returns: a view passed
/// straight into <c>copy_</c> may be finalized by the GC while libtorch still reads it (a crash seen in CI).
/// </summary>
internal sealed class InProcessCommunicator(InProcessWorld world, int rank) : ICommunicator
{
    public int Rank { get; } = rank;

    public int WorldSize => world.Size;

    public Device Device => CPU;

    public void AllReduce(Tensor tensor, ReduceOp op = ReduceOp.Sum)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        Collective(tensor, slots =>
        {
            using var result = Reduce(slots, op);
            using var shaped = result.view(tensor.shape);
            tensor.copy_(shaped);
        });
    }

    public void Broadcast(Tensor tensor, int root = 0)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(root, WorldSize);
        Collective(tensor, slots =>
        {
            using var source = slots[root].view(tensor.shape);
            tensor.copy_(source);
        });
    }

    public void AllGather(Tensor input, Tensor output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        if (output.numel() != input.numel() * WorldSize)
            throw new ArgumentException($"all-gather: the output has {output.numel()} elements, not {WorldSize} × {input.numel()}");
        Collective(input, slots =>
        {
            using var chunks = output.view(WorldSize, -1);
            for (int r = 0; r < WorldSize; r++)
            {
                using var chunk = chunks[r];
                using var source = slots[r].view(-1);
                chunk.copy_(source);
            }
        });
    }

    public void ReduceScatter(Tensor input, Tensor output, ReduceOp op = ReduceOp.Sum)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        if (input.numel() != output.numel() * WorldSize)
            throw new ArgumentException($"reduce-scatter: the input has {input.numel()} elements, not {WorldSize} × {output.numel()}");
        Collective(input, slots =>
        {
            using var result = Reduce(slots, op);
            using var rows = result.view(WorldSize, -1);
            using var mine = rows[Rank];
            using var shaped = mine.view(output.shape);
            output.copy_(shaped);
        });
    }

    public void Barrier() => world.Wait(Rank);

    public void Dispose()
    {
    }

    private void Collective(Tensor mine, Action<Tensor[]> read)
    {
        using var noGrad = no_grad();
        using (var detached = mine.detach())
        using (var onCpu = detached.to(CPU))
        using (var contiguous = onCpu.contiguous())
            world.Slots[Rank] = contiguous.clone();
        try
        {
            world.Wait(Rank);
            var slots = world.Slots.Select(s => s!).ToArray();
            if (slots.Any(s => s.dtype != mine.dtype || s.numel() != mine.numel()))
            {
                world.Fail(Rank, "the ranks' tensors of a collective differ in shape or dtype");
                throw new ArgumentException($"rank {Rank}: the ranks' tensors of a collective differ in shape or dtype");
            }
            read(slots);
            world.Wait(Rank);
        }
        finally
        {
            world.Slots[Rank]?.Dispose();
            world.Slots[Rank] = null;
        }
    }

    private static Tensor Reduce(Tensor[] slots, ReduceOp op)
    {
        var result = slots[0].clone();
        for (int r = 1; r < slots.Length; r++)
        {
            switch (op)
            {
                case ReduceOp.Max: result = Replace(result, maximum(result, slots[r])); break;
                case ReduceOp.Min: result = Replace(result, minimum(result, slots[r])); break;
                default: result.add_(slots[r]); break;
            }
        }
        if (op == ReduceOp.Average) result.div_(slots.Length);
        return result;
    }

    private static Tensor Replace(Tensor old, Tensor next)
    {
        old.Dispose();
        return next;
    }
}
