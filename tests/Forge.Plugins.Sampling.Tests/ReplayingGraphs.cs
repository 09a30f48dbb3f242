using Forge.Contracts.Devices;
using static TorchSharp.torch;

namespace Forge.Plugins.Sampling.Tests;

/// <summary>
/// CUDA graphs' stand-in on the CPU: a capture records the step without running it (a real capture executes no
/// device work) and every replay runs it again. Counts captures, replays and side-stream scopes; with a
/// <c>failure</c> every capture throws as a step that synchronises with the host would.
/// </summary>
internal sealed class ReplayingGraphs(string? failure = null) : IDeviceGraphs
{
    public int Captures { get; private set; }

    public int Replays { get; private set; }

    public int OpenStreams { get; private set; }

    public int StreamScopes { get; private set; }

    public string? Unavailable(Device device) => null;

    public IDisposable UseSideStream(Device device)
    {
        StreamScopes++;
        OpenStreams++;
        return new Scope(this);
    }

    public IDeviceGraph Capture(Action step)
    {
        if (failure is not null) throw new InvalidOperationException($"the step cannot be captured: {failure}");
        Captures++;
        return new Graph(this, step);
    }

    private sealed class Scope(ReplayingGraphs owner) : IDisposable
    {
        public void Dispose() => owner.OpenStreams--;
    }

    private sealed class Graph(ReplayingGraphs owner, Action step) : IDeviceGraph
    {
        public void Replay()
        {
            owner.Replays++;
            step();
        }

        public void Dispose()
        {
        }
    }
}
