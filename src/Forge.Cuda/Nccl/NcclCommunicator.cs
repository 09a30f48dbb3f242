using Forge.Core.Distributed;
using TorchSharp;
using static TorchSharp.torch;

namespace Forge.Cuda.Nccl;

/// <summary>
/// <see cref="ICommunicator"/> over NCCL, one process per GPU: the collectives run on libtorch's default stream of
/// the rank's device (stream 0, where TorchSharp's ops run), so they are ordered after the kernels that produced their
/// input and before those that read their output, with no host synchronisation. Contiguous tensors (any dtype NCCL
/// knows: float32/64, bfloat16, float16, int8/32/64, uint8) are handed to NCCL as they are, with no copy — views into a
/// larger buffer included, and an all-gather's or reduce-scatter's input may be the rank's own chunk of its output (NCCL's
/// in-place form); only a non-contiguous tensor is staged through a contiguous copy. <see cref="NewUniqueId"/> on rank 0, handed to every rank (<see cref="TcpRendezvous"/>), names the job.
/// </summary>
public sealed unsafe class NcclCommunicator : ICommunicator
{
    private readonly object _commGate = new();
    private IntPtr _comm;
    private readonly LaunchedCollectives _launched;
    private long _entered;
    private volatile bool _atBarrier;

    /// <summary>Joins the job named by <paramref name="uniqueId"/> as <paramref name="rank"/> of <paramref name="worldSize"/> on <paramref name="device"/> (blocks until every rank has joined).</summary>
    public NcclCommunicator(int rank, int worldSize, Device device, byte[] uniqueId)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(uniqueId);
        if (device.type != DeviceType.CUDA) throw new ArgumentException("NCCL needs a CUDA device", nameof(device));
        Rank = rank;
        WorldSize = worldSize;
        Device = device;
        CudaRuntime.SetDevice(DeviceIndex);
        using (zeros(1, device: device)) { } // NCCL needs the CUDA context to exist
        IntPtr comm;
        NcclNative.Check(NcclNative.CommInitRank(&comm, worldSize, NcclUniqueId.From(uniqueId), rank), "ncclCommInitRank");
        _comm = comm;
        _launched = new LaunchedCollectives(DeviceIndex);
    }

    /// <summary>A new job id (rank 0), after creating <paramref name="device"/>'s CUDA context.</summary>
    public static byte[] NewUniqueId(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        using (zeros(1, device: device)) { }
        NcclUniqueId id;
        NcclNative.Check(NcclNative.GetUniqueId(&id), "ncclGetUniqueId");
        return id.ToArray();
    }

    /// <inheritdoc />
    public int Rank { get; }

    /// <inheritdoc />
    public int WorldSize { get; }

    /// <inheritdoc />
    public Device Device { get; }

    private int DeviceIndex => Math.Max(0, (int)Device.index);

    /// <summary>
    /// How far this rank has come: the collectives it has entered (a barrier is one), how many of them the GPU has
    /// finished (<see cref="LaunchedCollectives"/>) and whether it is waiting at a barrier now — what the rendezvous
    /// watchdog reports to rank 0 (<see cref="StallDetector"/>).
    /// </summary>
    public CollectiveProgress Progress
    {
        get
        {
            long entered = Interlocked.Read(ref _entered);
            return new CollectiveProgress(entered, entered - _launched.Unfinished(), _atBarrier);
        }
    }

    /// <inheritdoc />
    public void AllReduce(Tensor tensor, ReduceOp op = ReduceOp.Sum)
    {
        Interlocked.Increment(ref _entered);
        AllReduceUncounted(tensor, op);
    }

    private void AllReduceUncounted(Tensor tensor, ReduceOp op)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        InPlace(tensor, (pointer, count, type) => Launch(NcclNative.AllReduce(pointer, pointer, count, type, Op(op), Comm, IntPtr.Zero), "ncclAllReduce"));
    }

    /// <inheritdoc />
    public void Broadcast(Tensor tensor, int root = 0)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        Interlocked.Increment(ref _entered);
        InPlace(tensor, (pointer, count, type) => Launch(NcclNative.Broadcast(pointer, pointer, count, type, root, Comm, IntPtr.Zero), "ncclBroadcast"));
    }

    /// <inheritdoc />
    public void AllGather(Tensor input, Tensor output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        if (output.numel() != input.numel() * WorldSize || output.dtype != input.dtype)
            throw new ArgumentException($"all-gather: the output must hold {WorldSize} × {input.numel()} elements of {input.dtype}");
        Interlocked.Increment(ref _entered);
        using var source = Readable(input);
        InPlace(output, (pointer, _, type) => Launch(NcclNative.AllGather(CudaRuntime.DataPointer(source), pointer, (nuint)input.numel(), type, Comm, IntPtr.Zero), "ncclAllGather"));
    }

    /// <inheritdoc />
    public void ReduceScatter(Tensor input, Tensor output, ReduceOp op = ReduceOp.Sum)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        if (input.numel() != output.numel() * WorldSize || output.dtype != input.dtype)
            throw new ArgumentException($"reduce-scatter: the input must hold {WorldSize} × {output.numel()} elements of {output.dtype}");
        Interlocked.Increment(ref _entered);
        using var source = Readable(input);
        InPlace(output, (pointer, count, type) => Launch(NcclNative.ReduceScatter(CudaRuntime.DataPointer(source), pointer, count, type, Op(op), Comm, IntPtr.Zero), "ncclReduceScatter"));
    }

    /// <inheritdoc />
    public void Barrier()
    {
        Interlocked.Increment(ref _entered);
        _atBarrier = true;
        try
        {
            using var one = ones(1, float32, Device);
            AllReduceUncounted(one, ReduceOp.Sum);
            _ = one.cpu().data<float>()[0]; // waits for the collective
        }
        finally
        {
            _atBarrier = false;
        }
    }

    /// <summary>
    /// An error NCCL met in the background on this rank (a network fault, a peer's failure seen by NCCL), as one line, or
    /// null while there is none; polled by the rendezvous watchdog from its own thread, as PyTorch's watchdog polls it.
    /// </summary>
    public string? AsyncError()
    {
        lock (_commGate)
        {
            if (_comm == IntPtr.Zero) return null;
            if (_launched.Error is { } device) return $"rank {Rank}: {device}";
            int state = NcclNative.Success;
            int result = NcclNative.CommGetAsyncError(_comm, &state);
            if (result != NcclNative.Success) state = result;
            return state is NcclNative.Success or NcclNative.InProgress ? null : $"NCCL failed on rank {Rank}: {NcclNative.ErrorString(state)} ({state})";
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_commGate)
        {
            var comm = Interlocked.Exchange(ref _comm, IntPtr.Zero);
            if (comm != IntPtr.Zero) NcclNative.CommDestroy(comm);
            _launched.Dispose();
        }
    }

    /// <summary>Ends every collective under way on this rank at once (another rank is gone).</summary>
    public void Abort()
    {
        lock (_commGate)
        {
            var comm = Interlocked.Exchange(ref _comm, IntPtr.Zero);
            if (comm != IntPtr.Zero) NcclNative.CommAbort(comm);
        }
    }

    /// <summary>Checks a collective's launch and marks its place on the stream, to learn when the GPU has finished it.</summary>
    private void Launch(int result, string call)
    {
        NcclNative.Check(result, call);
        _launched.Launched();
    }

    private IntPtr Comm => _comm != IntPtr.Zero ? _comm : throw new ObjectDisposedException(nameof(NcclCommunicator));

    private void InPlace(Tensor tensor, Action<IntPtr, nuint, int> call)
    {
        CheckDevice(tensor);
        int type = DataType(tensor.dtype);
        CudaRuntime.SetDevice(DeviceIndex);
        using var noGrad = no_grad();
        if (tensor.is_contiguous())
        {
            call(CudaRuntime.DataPointer(tensor), (nuint)tensor.numel(), type);
            return;
        }
        using var staged = tensor.contiguous();
        call(CudaRuntime.DataPointer(staged), (nuint)staged.numel(), type);
        tensor.copy_(staged);
    }

    /// <summary>
    /// A collective's input as NCCL reads it: the tensor itself (a new handle on the same memory, no copy) when it is
    /// contiguous — a slice of a flat buffer, a rank's chunk of the output for an in-place all-gather or reduce-scatter —
    /// and a contiguous copy only when it is not.
    /// </summary>
    private Tensor Readable(Tensor tensor)
    {
        CheckDevice(tensor);
        return tensor.is_contiguous() ? tensor.alias() : tensor.contiguous();
    }

    private void CheckDevice(Tensor tensor)
    {
        if (tensor.device.type != DeviceType.CUDA || (tensor.device.index >= 0 && tensor.device.index != DeviceIndex))
            throw new ArgumentException($"NCCL rank {Rank}: a tensor on {tensor.device} where the communicator is on {Device}");
    }

    private static int Op(ReduceOp op) => op switch
    {
        ReduceOp.Sum => NcclNative.Sum,
        ReduceOp.Average => NcclNative.Avg,
        ReduceOp.Max => NcclNative.Max,
        ReduceOp.Min => NcclNative.Min,
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    private static int DataType(ScalarType type) => type switch
    {
        ScalarType.Float32 => NcclNative.Float32,
        ScalarType.Float64 => NcclNative.Float64,
        ScalarType.BFloat16 => NcclNative.Bfloat16,
        ScalarType.Float16 => NcclNative.Float16,
        ScalarType.Int32 => NcclNative.Int32,
        ScalarType.Int64 => NcclNative.Int64,
        ScalarType.Int8 => NcclNative.Int8,
        ScalarType.Byte or ScalarType.Bool => NcclNative.Uint8,
        _ => throw new ArgumentException($"NCCL has no data type for {type}"),
    };
}
