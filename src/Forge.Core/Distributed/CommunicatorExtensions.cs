using static TorchSharp.torch;

namespace Forge.Core.Distributed;

/// <summary>Small collectives over plain numbers (totals, counts, metrics) and the main rank's test.</summary>
public static class CommunicatorExtensions
{
    /// <summary>True on rank 0, the rank that writes the run folder (metrics, checkpoints, summary, report).</summary>
    public static bool IsMain(this ICommunicator communicator)
    {
        ArgumentNullException.ThrowIfNull(communicator);
        return communicator.Rank == 0;
    }

    /// <summary>Reduces <paramref name="values"/> element by element over the ranks (float64); a copy in a single process.</summary>
    public static double[] AllReduceValues(this ICommunicator communicator, double[] values, ReduceOp op = ReduceOp.Sum)
    {
        ArgumentNullException.ThrowIfNull(communicator);
        ArgumentNullException.ThrowIfNull(values);
        if (communicator.WorldSize == 1 || values.Length == 0) return (double[])values.Clone();
        using var scope = NewDisposeScope();
        var buffer = tensor(values, float64).to(communicator.Device);
        communicator.AllReduce(buffer, op);
        return buffer.cpu().data<double>().ToArray();
    }

    /// <summary>Rank 0's <paramref name="values"/> on every rank.</summary>
    public static double[] BroadcastValues(this ICommunicator communicator, double[] values)
    {
        ArgumentNullException.ThrowIfNull(communicator);
        ArgumentNullException.ThrowIfNull(values);
        if (communicator.WorldSize == 1 || values.Length == 0) return (double[])values.Clone();
        using var scope = NewDisposeScope();
        var buffer = tensor(values, float64).to(communicator.Device);
        communicator.Broadcast(buffer);
        return buffer.cpu().data<double>().ToArray();
    }
}
