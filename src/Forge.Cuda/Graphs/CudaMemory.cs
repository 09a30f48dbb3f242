using Forge.Core.Devices;
using TorchSharp;
using static TorchSharp.torch;

namespace Forge.Cuda.Graphs;

/// <summary>
/// <see cref="IDeviceMemory"/> over libtorch's CUDA caching allocator (the statistics PyTorch's
/// <c>torch.cuda.max_memory_allocated</c> and <c>max_memory_reserved</c> read), through the native graph library:
/// nothing on the CPU, or where that library cannot be loaded (<see cref="GraphsLibrary.Unavailable"/>).
/// </summary>
public sealed class CudaMemory : IDeviceMemory
{
    /// <inheritdoc />
    public DeviceMemoryStats? Read(Device device)
    {
        if (!Readable(device)) return null;
        var (allocated, peakAllocated, reserved, peakReserved) = GraphsNative.MemoryStats(Index(device));
        return new DeviceMemoryStats(allocated, peakAllocated, reserved, peakReserved);
    }

    /// <inheritdoc />
    public void ResetPeaks(Device device)
    {
        if (Readable(device)) GraphsNative.MemoryResetPeaks(Index(device));
    }

    private static bool Readable(Device device) => device.type == DeviceType.CUDA && GraphsLibrary.Unavailable is null;

    // "cuda" without an index is the process's first visible device, as TorchSharp places it.
    private static int Index(Device device) => device.index < 0 ? 0 : device.index;
}
