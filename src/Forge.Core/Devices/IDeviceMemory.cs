using static TorchSharp.torch;

namespace Forge.Core.Devices;

/// <summary>
/// What a device's tensor allocator holds, in bytes: live tensors (allocated) and what it keeps from the driver, used
/// or cached (reserved), now and at their peaks since the last <see cref="IDeviceMemory.ResetPeaks"/>.
/// </summary>
public readonly record struct DeviceMemoryStats(long Allocated, long PeakAllocated, long Reserved, long PeakReserved);

/// <summary>
/// The allocator statistics of an accelerator (libtorch's CUDA caching allocator, read through Forge.Cuda's native
/// library), for the steps' <c>memory/…</c> metrics; registered by the host where it can read them.
/// </summary>
public interface IDeviceMemory
{
    /// <summary>The statistics of <paramref name="device"/>; null where there are none to read (the CPU, no native library).</summary>
    DeviceMemoryStats? Read(Device device);

    /// <summary>Starts the peaks of <paramref name="device"/> again from its current figures.</summary>
    void ResetPeaks(Device device);
}
