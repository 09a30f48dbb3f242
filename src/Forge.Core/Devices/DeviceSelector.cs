using System.Text.RegularExpressions;
using TorchSharp;
using static TorchSharp.torch;

namespace Forge.Core.Devices;

/// <summary>
/// Parses <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c> and makes the device usable. CUDA needs a CUDA libtorch on the
/// library path: Forge uses the one of an installed PyTorch (see README, "Running on a GPU").
/// </summary>
public static partial class DeviceSelector
{
    private const string Guidance = "point LD_LIBRARY_PATH at an installed PyTorch's torch/lib " +
        "(python3 -c 'import torch,os;print(os.path.dirname(torch.__file__)+\"/lib\")') and run the linux-x64 publish without libtorch-cpu";

    /// <summary>
    /// The GPU plain <c>cuda</c> names: set to a data-parallel rank's own device (from LOCAL_RANK) by the host; null
    /// leaves libtorch's current device (normally 0).
    /// </summary>
    public static int? DefaultCudaIndex { get; set; }

    /// <summary>The device named by <paramref name="name"/>, initialised.</summary>
    public static Device Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string lower = name.Trim().ToLowerInvariant();
        if (lower == "cpu") return CPU;
        if (!CudaName().IsMatch(lower)) throw new ForgeDataException($"device '{name}': expected cpu, cuda or cuda:N");
        try
        {
            InitializeDeviceType(DeviceType.CUDA);
        }
        catch (Exception ex) when (ex is not ForgeDataException)
        {
            throw new ForgeDataException($"device '{name}': CUDA libtorch could not be loaded ({ex.Message.ReplaceLineEndings(" ")}); {Guidance}", ex);
        }
        if (!cuda.is_available()) throw new ForgeDataException($"device '{name}': no CUDA device is available; {Guidance}");
        var device = lower == "cuda" && DefaultCudaIndex is int index ? new Device(DeviceType.CUDA, index) : new Device(lower);
        if (device.index >= cuda.device_count())
            throw new ForgeDataException($"device '{name}': only {cuda.device_count()} CUDA device(s) present");
        return device;
    }

    [GeneratedRegex(@"^cuda(:\d{1,3})?$")]
    private static partial Regex CudaName();
}
