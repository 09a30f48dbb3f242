namespace Forge.Contracts.Devices;

/// <summary>A captured step (<see cref="IDeviceGraphs.Capture"/>); dispose to free it and its private memory pool.</summary>
public interface IDeviceGraph : IDisposable
{
    /// <summary>Queues the captured device work once more on the current stream, reading its inputs' current values.</summary>
    void Replay();
}
