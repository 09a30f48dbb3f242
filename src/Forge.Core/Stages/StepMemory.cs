using Forge.Core.Devices;
using static TorchSharp.torch;

namespace Forge.Core.Stages;

/// <summary>
/// A step's device memory, in MiB, where the device has allocator figures (<see cref="IDeviceMemory"/>; CUDA):
/// <c>memory/peak_allocated_mib</c>, the most that live tensors held during the step, <c>memory/peak_reserved_mib</c>,
/// the most the allocator held from the driver (what <c>nvidia-smi</c> sees of the process, less the CUDA context),
/// and <c>memory/allocated_mib</c> at the step's end (the weights, gradients and optimizer state kept between steps).
/// Peaks start again when the step does. Over the ranks of a data-parallel run each is the largest rank's.
/// </summary>
internal sealed class StepMemory
{
    private const double Mib = 1024.0 * 1024.0;
    private readonly IDeviceMemory? _memory;
    private readonly Device _device;

    /// <summary>Starts measuring a step on <paramref name="device"/>.</summary>
    public StepMemory(IDeviceMemory? memory, Device device)
    {
        _memory = memory;
        _device = device;
        memory?.ResetPeaks(device);
    }

    /// <summary>Adds the step's figures to <paramref name="metrics"/> (nothing where the device has none).</summary>
    public void AddTo(IDictionary<string, double> metrics)
    {
        if (_memory?.Read(_device) is not { } stats) return;
        metrics["memory/peak_allocated_mib"] = stats.PeakAllocated / Mib;
        metrics["memory/peak_reserved_mib"] = stats.PeakReserved / Mib;
        metrics["memory/allocated_mib"] = stats.Allocated / Mib;
    }
}
