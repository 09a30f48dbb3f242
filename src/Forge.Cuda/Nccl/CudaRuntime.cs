using System.Runtime.InteropServices;

namespace Forge.Cuda.Nccl;

/// <summary>
/// The CUDA runtime calls TorchSharp does not expose: choosing the calling thread's device (NCCL runs on the current
/// device) and events that mark how far a stream has run (<see cref="LaunchedCollectives"/>) — bound to the
/// <c>libcudart</c> PyTorch's CUDA libraries already loaded — and the device pointer of a tensor of any dtype (LibTorchSharp's <c>THSTensor_data</c>, <c>at::Tensor::data_ptr()</c>; TorchSharp's
/// <c>storage&lt;T&gt;()</c> copies bfloat16).
/// </summary>
internal static unsafe class CudaRuntime
{
    private static readonly NativeExports Runtime = new(() =>
        NativeExports.FirstLoadable(["libcudart.so.13", "libcudart.so.12", "libcudart.so.11.0", "libcudart.so"]));

    private static readonly NativeExports TorchSharpNative = new(() =>
    {
        // TorchSharp's own probing first (it has loaded the library under this name), then the usual places.
        if (NativeLibrary.TryLoad("LibTorchSharp", typeof(TorchSharp.torch).Assembly, null, out var own)) return own;
        var handle = NativeExports.FirstLoadable(["libLibTorchSharp.so", Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so"),
            Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so"), "LibTorchSharp"]);
        return handle != IntPtr.Zero ? handle
            : throw new DllNotFoundException("libLibTorchSharp.so (TorchSharp's native library) could not be found for tensor pointers");
    });

    // Read for every tensor a collective or a fused kernel is given: held in a field rather than looked up by name.
    private static readonly Lazy<IntPtr> TensorData = new(() => TorchSharpNative["THSTensor_data"]);

    private static IntPtr Cuda(string name) => Runtime[name];

    /// <summary>Makes <paramref name="index"/> the calling thread's CUDA device.</summary>
    public static void SetDevice(int index)
    {
        if (Runtime.Library == IntPtr.Zero)
        {
            if (index == 0) return; // the default device of every thread
            throw new DllNotFoundException($"libcudart not found to select CUDA device {index}; give each rank one GPU with CUDA_VISIBLE_DEVICES instead");
        }
        int result = ((delegate* unmanaged<int, int>)Cuda("cudaSetDevice"))(index);
        if (result != 0) throw new InvalidOperationException($"cudaSetDevice({index}) failed with CUDA error {result}");
    }

    /// <summary>True when libcudart was found (events can be recorded).</summary>
    public static bool Available => Runtime.Library != IntPtr.Zero;

    /// <summary>A new event on the calling thread's device, without timing (the cheapest kind).</summary>
    public static IntPtr CreateEvent()
    {
        IntPtr handle;
        int result = ((delegate* unmanaged<IntPtr*, uint, int>)Cuda("cudaEventCreateWithFlags"))(&handle, 2u); // cudaEventDisableTiming
        return result == 0 ? handle : throw new InvalidOperationException($"cudaEventCreateWithFlags failed with CUDA error {result}");
    }

    /// <summary>Marks the point the legacy default stream (stream 0, where NCCL's collectives are launched) has reached.</summary>
    public static void RecordOnDefaultStream(IntPtr handle)
    {
        int result = ((delegate* unmanaged<IntPtr, IntPtr, int>)Cuda("cudaEventRecord"))(handle, IntPtr.Zero);
        if (result != 0) throw new InvalidOperationException($"cudaEventRecord failed with CUDA error {result}");
    }

    /// <summary>True once the device has run past the event; false while it has not (cudaErrorNotReady); an error code otherwise.</summary>
    public static (bool Done, int Error) QueryEvent(IntPtr handle)
    {
        int result = ((delegate* unmanaged<IntPtr, int>)Cuda("cudaEventQuery"))(handle);
        return result switch { 0 => (true, 0), 600 => (false, 0), _ => (false, result) };
    }

    /// <summary>Frees an event.</summary>
    public static void DestroyEvent(IntPtr handle) =>
        _ = ((delegate* unmanaged<IntPtr, int>)Cuda("cudaEventDestroy"))(handle);

    /// <summary>The address of <paramref name="tensor"/>'s first element (its view's, storage offset included).</summary>
    public static IntPtr DataPointer(TorchSharp.torch.Tensor tensor) =>
        ((delegate* unmanaged<IntPtr, IntPtr>)TensorData.Value)(tensor.Handle);
}
