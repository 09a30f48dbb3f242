using static TorchSharp.torch;

namespace Forge.Core.Distributed;

/// <summary>
/// The collectives data-parallel training needs, over the ranks of one job: NCCL on CUDA devices (Forge.Cuda), ranks
/// as threads of one process for tests (<see cref="InProcessWorld"/>), a no-op for a single process
/// (<see cref="SingleProcessCommunicator"/>). Every rank calls the same collectives in the same order with tensors of
/// the same shape and dtype; tensors are contiguous and live on <see cref="Device"/>. Every rank receives the same
/// result, bit for bit. A rank that fails or disappears ends the collective on the others with a
/// <see cref="RankFailedException"/> naming it, never a hang.
/// </summary>
public interface ICommunicator : IDisposable
{
    /// <summary>This process's (or thread's) rank, 0 … <see cref="WorldSize"/> − 1.</summary>
    int Rank { get; }

    /// <summary>The number of ranks.</summary>
    int WorldSize { get; }

    /// <summary>Where the collectives' tensors live (CUDA for NCCL).</summary>
    Device Device { get; }

    /// <summary>Replaces <paramref name="tensor"/> on every rank by the reduction of all ranks' tensors.</summary>
    void AllReduce(Tensor tensor, ReduceOp op = ReduceOp.Sum);

    /// <summary>Copies <paramref name="root"/>'s <paramref name="tensor"/> into every other rank's.</summary>
    void Broadcast(Tensor tensor, int root = 0);

    /// <summary>
    /// Writes every rank's <paramref name="input"/> (n elements) into <paramref name="output"/> (WorldSize × n
    /// elements), rank r's at [r·n, (r + 1)·n).
    /// </summary>
    void AllGather(Tensor input, Tensor output);

    /// <summary>
    /// Reduces <paramref name="input"/> (WorldSize × n elements) over ranks and leaves chunk r of the result, elements
    /// [r·n, (r + 1)·n), in rank r's <paramref name="output"/> (n elements).
    /// </summary>
    void ReduceScatter(Tensor input, Tensor output, ReduceOp op = ReduceOp.Sum);

    /// <summary>Returns once every rank has reached it.</summary>
    void Barrier();
}
