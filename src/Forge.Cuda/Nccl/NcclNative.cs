using System.Runtime.InteropServices;

namespace Forge.Cuda.Nccl;

/// <summary>
/// The part of NCCL's C API Forge calls, bound at run time to the <c>libnccl.so.2</c> the installed PyTorch already
/// loaded (the nvidia-nccl wheel's, found through <c>LD_LIBRARY_PATH</c> or its soname), through function pointers.
/// Enumerations as in <c>nccl.h</c>.
/// </summary>
internal static unsafe class NcclNative
{
    public const int Success = 0, InProgress = 7;

    // ncclDataType_t
    public const int Int8 = 0, Uint8 = 1, Int32 = 2, Int64 = 4, Float16 = 6, Float32 = 7, Float64 = 8, Bfloat16 = 9;

    // ncclRedOp_t
    public const int Sum = 0, Max = 2, Min = 3, Avg = 4;

    private static readonly NativeExports Library = new(() =>
    {
        var handle = NativeExports.FirstLoadable(["libnccl.so.2", "libnccl.so"]);
        return handle != IntPtr.Zero ? handle
            : throw new DllNotFoundException("libnccl.so.2 not found: put the nvidia-nccl wheel's lib folder (site-packages/nvidia/nccl/lib) on LD_LIBRARY_PATH beside torch/lib");
    });

    private static IntPtr Export(string name) => Library[name];

    public static int GetUniqueId(NcclUniqueId* id) =>
        ((delegate* unmanaged<NcclUniqueId*, int>)Export("ncclGetUniqueId"))(id);

    public static int CommInitRank(IntPtr* comm, int ranks, NcclUniqueId id, int rank) =>
        ((delegate* unmanaged<IntPtr*, int, NcclUniqueId, int, int>)Export("ncclCommInitRank"))(comm, ranks, id, rank);

    public static int AllReduce(IntPtr send, IntPtr receive, nuint count, int type, int op, IntPtr comm, IntPtr stream) =>
        ((delegate* unmanaged<IntPtr, IntPtr, nuint, int, int, IntPtr, IntPtr, int>)Export("ncclAllReduce"))(send, receive, count, type, op, comm, stream);

    public static int Broadcast(IntPtr send, IntPtr receive, nuint count, int type, int root, IntPtr comm, IntPtr stream) =>
        ((delegate* unmanaged<IntPtr, IntPtr, nuint, int, int, IntPtr, IntPtr, int>)Export("ncclBroadcast"))(send, receive, count, type, root, comm, stream);

    public static int AllGather(IntPtr send, IntPtr receive, nuint sendCount, int type, IntPtr comm, IntPtr stream) =>
        ((delegate* unmanaged<IntPtr, IntPtr, nuint, int, IntPtr, IntPtr, int>)Export("ncclAllGather"))(send, receive, sendCount, type, comm, stream);

    public static int ReduceScatter(IntPtr send, IntPtr receive, nuint receiveCount, int type, int op, IntPtr comm, IntPtr stream) =>
        ((delegate* unmanaged<IntPtr, IntPtr, nuint, int, int, IntPtr, IntPtr, int>)Export("ncclReduceScatter"))(send, receive, receiveCount, type, op, comm, stream);

    public static int CommDestroy(IntPtr comm) => ((delegate* unmanaged<IntPtr, int>)Export("ncclCommDestroy"))(comm);

    public static int CommGetAsyncError(IntPtr comm, int* asyncError) =>
        ((delegate* unmanaged<IntPtr, int*, int>)Export("ncclCommGetAsyncError"))(comm, asyncError);

    public static int CommAbort(IntPtr comm) => ((delegate* unmanaged<IntPtr, int>)Export("ncclCommAbort"))(comm);

    public static string ErrorString(int result) =>
        Marshal.PtrToStringAnsi(((delegate* unmanaged<int, IntPtr>)Export("ncclGetErrorString"))(result)) ?? $"NCCL error {result}";

    public static void Check(int result, string call)
    {
        if (result != Success) throw new InvalidOperationException($"NCCL {call}: {ErrorString(result)} ({result})");
    }
}
