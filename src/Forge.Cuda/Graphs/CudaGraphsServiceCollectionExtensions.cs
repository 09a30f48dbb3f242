using Forge.Contracts.Devices;
using Forge.Core.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Forge.Cuda.Graphs;

/// <summary>Registration of <see cref="CudaGraphs"/>.</summary>
public static class CudaGraphsServiceCollectionExtensions
{
    /// <summary>
    /// Offers CUDA graphs (<see cref="IDeviceGraphs"/>) to plugins that ask for them. Nothing is loaded or built until
    /// a CUDA model asks; on the CPU the service only answers why it cannot capture.
    /// </summary>
    public static IServiceCollection AddCudaGraphs(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<IDeviceGraphs, CudaGraphs>();
        // Models are built in many places (checkpoint loading, clones, references); the fused decoding kernels reach
        // them through this process-wide default. Nothing is loaded until a forward pass on a CUDA device asks.
        var kernels = DecodeKernels.Installed as CudaDecodeKernels ?? new CudaDecodeKernels();
        DecodeKernels.Installed ??= kernels;
        services.TryAddSingleton<ITokenPicker>(kernels);
        return services;
    }
}
