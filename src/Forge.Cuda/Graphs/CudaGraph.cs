using Forge.Contracts.Devices;

namespace Forge.Cuda.Graphs;

/// <summary>One captured <c>at::cuda::CUDAGraph</c>; disposing waits for the device, then frees it and its memory pool.</summary>
internal sealed class CudaGraph(IntPtr graph) : IDeviceGraph
{
    private IntPtr _graph = graph;

    /// <inheritdoc />
    public void Replay()
    {
        ObjectDisposedException.ThrowIf(_graph == IntPtr.Zero, this);
        GraphsNative.GraphReplay(_graph);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_graph == IntPtr.Zero) return;
        GraphsNative.GraphDestroy(_graph);
        _graph = IntPtr.Zero;
    }
}
