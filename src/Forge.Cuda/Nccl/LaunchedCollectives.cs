namespace Forge.Cuda.Nccl;

/// <summary>
/// Which of a rank's collectives its GPU has finished. NCCL's calls return once the collective is queued on the stream;
/// it runs when the stream gets to it and ends when every rank's part has arrived, so a collective that hangs (NCCL,
/// the network, a GPU) hangs there, not in the call. Each launch records a CUDA event after the collective on the same
/// stream; <see cref="Unfinished"/>, asked from the watchdog's thread, counts those the device has not passed yet (one
/// stream runs its work in order, so they are the newest). Events are reused. Without libcudart every collective counts
/// as finished once launched.
/// </summary>
internal sealed class LaunchedCollectives : IDisposable
{
    private readonly object _gate = new();
    private readonly Queue<IntPtr> _pending = new();
    private readonly Stack<IntPtr> _free = new();
    private readonly int _device;
    private long _finished;
    private bool _disposed;
    private volatile string? _error;

    /// <summary>Collectives of a communicator on device <paramref name="device"/>.</summary>
    public LaunchedCollectives(int device) => _device = device;

    /// <summary>A collective has just been queued on stream 0 by the calling thread (its device current).</summary>
    public void Launched()
    {
        lock (_gate)
        {
            if (_disposed) return;
            if (!CudaRuntime.Available) return;
            var handle = _free.Count > 0 ? _free.Pop() : CudaRuntime.CreateEvent();
            CudaRuntime.RecordOnDefaultStream(handle);
            _pending.Enqueue(handle);
        }
    }

    /// <summary>The first CUDA error met while asking the device (it stays: CUDA's errors on a context do), or null.</summary>
    public string? Error => _error;

    /// <summary>How many launched collectives the device has not finished (after an error: those not known finished).</summary>
    public int Unfinished()
    {
        lock (_gate)
        {
            if (_disposed || _pending.Count == 0) return 0;
            CudaRuntime.SetDevice(_device);
            while (_pending.TryPeek(out var handle))
            {
                var (done, error) = CudaRuntime.QueryEvent(handle);
                if (error != 0)
                {
                    _error ??= $"CUDA error {error} on device {_device} while collective {_finished + 1} of this rank ran";
                    break;
                }
                if (!done) break;
                _free.Push(_pending.Dequeue());
                _finished++;
            }
            return _pending.Count;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            if (!CudaRuntime.Available) return;
            foreach (var handle in _pending.Concat(_free)) CudaRuntime.DestroyEvent(handle);
            _pending.Clear();
            _free.Clear();
        }
    }
}
