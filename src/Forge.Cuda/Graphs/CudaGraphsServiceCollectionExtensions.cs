using Forge.Contracts.Devices;
using Forge.Core.Devices;
using Forge.Core.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Forge.Cuda.Graphs;

/// <summary>Registration of <see cref="CudaGraphs"/>.</summary>
public static class CudaGraphsServiceCollectionExtensions
{
    /// <summary>
    /// Offers CUDA graphs (<see cref="IDeviceGraphs"/>) to plugins that ask for them, and — unless
    /// <paramref name="fusedKernels"/> is false (<c>Forge:FusedKernels</c>) — the fused decoding kernels: installed as the
    /// models' <see cref="DecodeKernels.Installed"/> and offered to samplers as the <see cref="ITokenPicker"/>. Nothing is
    /// loaded or built until a CUDA model asks; on the CPU the services only answer why they cannot run. The stages'
    /// <c>memory/…</c> metrics read the CUDA allocator through the same library (<see cref="IDeviceMemory"/>).
    /// </summary>
    public static IServiceCollection AddCudaGraphs(this IServiceCollection services, bool fusedKernels = true)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<IDeviceGraphs, CudaGraphs>();
        services.TryAddSingleton<IDeviceMemory, CudaMemory>();
        if (!fusedKernels)
        {
            // Decoding runs on TorchSharp's operations (and picks tokens with them): the process-wide default goes too.
            if (DecodeKernels.Installed is CudaDecodeKernels) DecodeKernels.Installed = null;
            return services;
        }
        // Models are built in many places (checkpoint loading, clones, references); the fused decoding kernels reach
        // them through this process-wide default. Nothing is loaded until a forward pass on a CUDA device asks.
        var kernels = DecodeKernels.Installed as CudaDecodeKernels ?? new CudaDecodeKernels();
        DecodeKernels.Installed ??= kernels;
        services.TryAddSingleton<ITokenPicker>(kernels);
        return services;
    }
}
