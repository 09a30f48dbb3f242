using Forge.Contracts.Devices;
using Forge.Cuda.Graphs;

namespace Forge.Bench;

/// <summary>The fused kernels as the host installs them (decoder kernels and the token picker); --kernels off leaves both out.</summary>
internal static class BenchKernels
{
    public static readonly CudaDecodeKernels Cuda = new();

    public static ITokenPicker? Picker(string mode) => mode == "off" ? null : Cuda;
}
