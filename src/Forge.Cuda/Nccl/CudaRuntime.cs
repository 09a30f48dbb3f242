using System.Runtime.InteropServices;

namespace Forge.Cuda.Nccl;

/// <summary>
/// The two CUDA runtime calls TorchSharp does not expose: choosing the calling thread's device (NCCL runs on the
/// current device) — bound to the <c>libcudart</c> PyTorch's CUDA libraries already loaded — and the device pointer of
/// a tensor of any dtype (LibTorchSharp's <c>THSTensor_data</c>, <c>at::Tensor::data_ptr()</c>; TorchSharp's
/// <c>storage&lt;T&gt;()</c> copies bfloat16).
/// </summary>
internal static unsafe class CudaRuntime
{
    private static readonly Lazy<IntPtr> Runtime = new(() =>
    {
        foreach (string name in new[] { "libcudart.so.13", "libcudart.so.12", "libcudart.so.11.0", "libcudart.so" })
            if (NativeLibrary.TryLoad(name, out var handle)) return handle;
        return IntPtr.Zero;
    });

    private static readonly Lazy<IntPtr> TorchSharpNative = new(() =>
    {
        // TorchSharp's own probing first (it has loaded the library under this name), then the usual places.
        if (NativeLibrary.TryLoad("LibTorchSharp", typeof(TorchSharp.torch).Assembly, null, out var own)) return own;
        foreach (string name in new[] { "libLibTorchSharp.so", Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so"),
                     Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so"), "LibTorchSharp" })
            if (NativeLibrary.TryLoad(name, out var handle)) return handle;
        throw new DllNotFoundException("libLibTorchSharp.so (TorchSharp's native library) could not be found for tensor pointers");
    });

    /// <summary>Makes <paramref name="index"/> the calling thread's CUDA device.</summary>
    public static void SetDevice(int index)
    {
        if (Runtime.Value == IntPtr.Zero)
        {
            if (index == 0) return; // the default device of every thread
            throw new DllNotFoundException($"libcudart not found to select CUDA device {index}; give each rank one GPU with CUDA_VISIBLE_DEVICES instead");
        }
        int result = ((delegate* unmanaged<int, int>)NativeLibrary.GetExport(Runtime.Value, "cudaSetDevice"))(index);
        if (result != 0) throw new InvalidOperationException($"cudaSetDevice({index}) failed with CUDA error {result}");
    }

    /// <summary>The address of <paramref name="tensor"/>'s first element (its view's, storage offset included).</summary>
    public static IntPtr DataPointer(TorchSharp.torch.Tensor tensor) =>
        ((delegate* unmanaged<IntPtr, IntPtr>)NativeLibrary.GetExport(TorchSharpNative.Value, "THSTensor_data"))(tensor.Handle);
}
