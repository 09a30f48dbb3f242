using static TorchSharp.torch;

namespace Forge.Contracts.Devices;

/// <summary>
/// Captures a step's device work once and replays it (CUDA graphs): every kernel of the step is launched by one call
/// instead of one host call each, which is what a launch-bound decoding step needs. The host provides it where it can
/// (a CUDA build with the native graph library); a plugin takes it as an optional constructor parameter and runs
/// eagerly without it.
/// </summary>
/// <remarks>
/// What a captured step must respect: every tensor it reads is allocated before capture and written in place between
/// replays; nothing in it synchronises with the host (no <c>item()</c>, no branching on tensor values); its ops ran once
/// eagerly (on the same stream) before it is captured. Captures and replays run on the side stream of
/// <see cref="UseSideStream"/>.
/// </remarks>
public interface IDeviceGraphs
{
    /// <summary>Null when steps on <paramref name="device"/> can be captured; otherwise one line saying why not.</summary>
    string? Unavailable(Device device);

    /// <summary>
    /// Makes this device's side stream (one per device, kept for the process) the current stream until the result is
    /// disposed; work queued before is finished first on it, and work queued after waits for it.
    /// </summary>
    IDisposable UseSideStream(Device device);

    /// <summary>
    /// Runs <paramref name="step"/> under capture on the current side stream — its device work is recorded, not
    /// executed — and returns the graph that replays it. Throws when the step cannot be captured; the stream is usable
    /// again afterwards.
    /// </summary>
    IDeviceGraph Capture(Action step);
}
