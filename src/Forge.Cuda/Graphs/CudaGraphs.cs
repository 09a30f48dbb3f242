using System.Collections.Concurrent;
using Forge.Contracts.Devices;
using TorchSharp;
using static TorchSharp.torch;

namespace Forge.Cuda.Graphs;

/// <summary>
/// CUDA graphs through libtorch's <c>at::cuda::CUDAGraph</c> (native/forge_cuda_graphs.cpp, built on first use
/// against the running PyTorch): captures run on one side stream per device taken from libtorch's pool, each graph
/// allocates in a private memory pool of the caching allocator, and replays queue the whole step with one call.
/// </summary>
public sealed class CudaGraphs : IDeviceGraphs
{
    private readonly ConcurrentDictionary<int, IntPtr> _streams = new();

    /// <inheritdoc />
    public string? Unavailable(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (device.type != DeviceType.CUDA) return $"the device is {device.type}, not CUDA";
        return GraphsLibrary.Unavailable;
    }

    /// <inheritdoc />
    public IDisposable UseSideStream(Device device)
    {
        string? why = Unavailable(device);
        if (why is not null) throw new InvalidOperationException($"CUDA graphs are unavailable: {why}");
        int index = device.index < 0 ? 0 : device.index;
        IntPtr stream = _streams.GetOrAdd(index, GraphsNative.StreamCreate);
        GraphsNative.StreamEnter(stream);
        return new SideStreamScope(stream);
    }

    /// <inheritdoc />
    public IDeviceGraph Capture(Action step)
    {
        ArgumentNullException.ThrowIfNull(step);
        IntPtr graph = GraphsNative.GraphCreate();
        try
        {
            GraphsNative.GraphBegin(graph);
        }
        catch
        {
            GraphsNative.GraphDestroy(graph);
            throw;
        }
        try
        {
            step();
        }
        catch (Exception e)
        {
            // End the capture so that the stream leaves capture mode, then report what the step did.
            GraphsNative.GraphEnd(graph);
            GraphsNative.GraphDestroy(graph);
            throw new InvalidOperationException($"the step cannot be captured: {e.Message.Split('\n')[0]}", e);
        }
        if (GraphsNative.GraphEnd(graph) != 0)
        {
            string error = GraphsNative.LastError.Split('\n')[0];
            GraphsNative.GraphDestroy(graph);
            throw new InvalidOperationException($"the step cannot be captured: {error}");
        }
        return new CudaGraph(graph);
    }

    private sealed class SideStreamScope(IntPtr stream) : IDisposable
    {
        private bool _done;

        public void Dispose()
        {
            if (_done) return;
            _done = true;
            GraphsNative.StreamExit(stream);
        }
    }
}
