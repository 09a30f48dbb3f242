using static TorchSharp.torch;

namespace Forge.Core.Distributed;

/// <summary>The world of one rank: every collective leaves its tensor as it is (gathers and scatters copy).</summary>
public sealed class SingleProcessCommunicator(Device? device = null) : ICommunicator
{
    /// <summary>A single-process communicator on the CPU.</summary>
    public static SingleProcessCommunicator Instance { get; } = new();

    /// <inheritdoc />
    public int Rank => 0;

    /// <inheritdoc />
    public int WorldSize => 1;

    /// <inheritdoc />
    public Device Device { get; } = device ?? CPU;

    /// <inheritdoc />
    public void AllReduce(Tensor tensor, ReduceOp op = ReduceOp.Sum) => ArgumentNullException.ThrowIfNull(tensor);

    /// <inheritdoc />
    public void Broadcast(Tensor tensor, int root = 0) => ArgumentNullException.ThrowIfNull(tensor);

    /// <inheritdoc />
    public void AllGather(Tensor input, Tensor output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        using var noGrad = no_grad();
        using var target = output.view(input.shape); // held until the copy returns (InProcessCommunicator says why)
        target.copy_(input);
    }

    /// <inheritdoc />
    public void ReduceScatter(Tensor input, Tensor output, ReduceOp op = ReduceOp.Sum)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        using var noGrad = no_grad();
        using var source = input.view(output.shape); // held until the copy returns (InProcessCommunicator says why)
        output.copy_(source);
    }

    /// <inheritdoc />
    public void Barrier()
    {
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
