namespace Forge.Core.Distributed;

/// <summary>The rendezvous connections as a watchdog for ranks that are alive but hung (<see cref="StallDetector"/>).</summary>
public sealed partial class TcpRendezvous
{
    /// <summary>
    /// Watches for a rank that is alive but hung: every <paramref name="timeout"/> / 4 (at most 5 s) each rank sends
    /// <paramref name="progress"/> (collectives entered and finished, waiting at a barrier) to rank 0, and rank 0 its
    /// heartbeat to the others; rank 0 ends the job when a rank holds the others up in a collective, or stays silent, or
    /// a collective every rank has entered stays unfinished, for <paramref name="timeout"/> (<see cref="StallDetector"/>),
    /// and a rank that hears nothing from rank 0 for as long ends it too. Every rank learns of it through the handler given to <see cref="Join"/>. <paramref name="health"/>,
    /// asked as often, names an error the communicator met in the background (NCCL's asynchronous errors): this rank
    /// then ends through the same handler, naming itself, and the others learn of it as of any rank that exits. A zero
    /// timeout watches nothing.
    /// </summary>
    public void StartWatchdog(Func<CollectiveProgress> progress, TimeSpan timeout, Func<string?>? health = null)
    {
        ArgumentNullException.ThrowIfNull(progress);
        if (timeout <= TimeSpan.Zero) return;
        bool main;
        lock (_gate)
        {
            main = _listener is not null;
            if (main) _detector = new StallDetector(_peers.Count + 1, timeout, _clock.Elapsed);
        }
        Interlocked.Exchange(ref _heardFromMainTicks, _clock.Elapsed.Ticks);
        var interval = TimeSpan.FromTicks(Math.Clamp(timeout.Ticks / 4, TimeSpan.FromMilliseconds(20).Ticks, TimeSpan.FromSeconds(5).Ticks));
        var thread = new Thread(() =>
        {
            while (!_closing && !_finished && Volatile.Read(ref _lost) == 0)
            {
                if (health?.Invoke() is { } error)
                {
                    if (Interlocked.Exchange(ref _lost, 1) == 0) _onPeerLost(_rank, error);
                    return;
                }
                var mine = progress();
                var now = _clock.Elapsed;
                if (main)
                {
                    _detector!.Report(0, mine, now);
                    lock (_gate)
                    {
                        foreach (var (_, socket) in _peers) TrySend(socket, Heartbeat);
                    }
                    if (_detector.Stalled(now) is var (rank, reason))
                    {
                        Stall(rank, reason);
                        return;
                    }
                }
                else
                {
                    lock (_gate)
                    {
                        foreach (var (_, socket) in _peers)
                            TrySend(socket, Progress, (int)(mine.Entered & 0xFFFFFFFF), (int)(mine.Entered >> 32), (int)(mine.Finished & 0xFFFFFFFF), (int)(mine.Finished >> 32),
                                mine.AtBarrier ? 1 : 0);
                    }
                    bool mainFinished;
                    lock (_gate) mainFinished = _finishedPeers.Contains(0);
                    if (!mainFinished && now - TimeSpan.FromTicks(Interlocked.Read(ref _heardFromMainTicks)) >= timeout)
                    {
                        Lost(0, $"rank 0 stalled: nothing heard from it for {timeout.TotalSeconds:0.#} s (its process frozen or its host unreachable; Forge:CollectiveTimeout)");
                        return;
                    }
                }
                Thread.Sleep(interval);
            }
        }) { IsBackground = true, Name = "rendezvous watchdog" };
        thread.Start();
    }

    /// <summary>Rank 0 found <paramref name="rank"/> stalled: every rank, the stalled one too, is told why and ends.</summary>
    private void Stall(int rank, string reason)
    {
        if (Interlocked.Exchange(ref _lost, 1) != 0) return;
        var text = System.Text.Encoding.UTF8.GetBytes(reason);
        lock (_gate)
        {
            foreach (var (_, socket) in _peers) TrySendWithTail(socket, [Stalled, rank, text.Length], text);
        }
        _onPeerLost(rank, reason);
    }
}
