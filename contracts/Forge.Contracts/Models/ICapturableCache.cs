namespace Forge.Contracts.Models;

/// <summary>
/// A key/value cache whose one-token decoding steps can be captured (<see cref="Devices.IDeviceGraphs"/>) and
/// replayed: its buffers never move, <see cref="IKeyValueCache.Select"/> moves the kept rows to the front of the same
/// buffers, and a step of <c>Hidden(ids [B, 1], null, cache)</c> takes its write position, positions and key mask from
/// device tensors only, so that its device work is the same on every step.
/// </summary>
public interface ICapturableCache : IKeyValueCache
{
    /// <summary>The rows the buffers hold: the most a batch may have.</summary>
    int RowCapacity { get; }

    /// <summary>The positions the buffers hold.</summary>
    int Capacity { get; }

    /// <summary>
    /// True when attention reads the whole <see cref="Capacity"/> and one-token steps take their positions from device
    /// tensors: only then is a step's device work the same from step to step, so only then may it be captured.
    /// </summary>
    bool FixedLength { get; }

    /// <summary>The rows in use (the first ones of the buffers).</summary>
    int Rows { get; }

    /// <summary>Forgets every position and continues with the first <paramref name="rows"/> rows, in place.</summary>
    void Reset(int rows);
}
