namespace Forge.Core.Distributed;

/// <summary>
/// Finds a rank that is alive but hung, from every rank's progress through the collectives (<see cref="CollectiveProgress"/>):
/// how many it has entered, how many its device has finished, and whether it is waiting at a barrier. Collectives run in the same order on every rank, so a rank that has entered
/// fewer than another holds the others up; when its count has not moved for <see cref="Timeout"/> while a rank ahead of
/// it waits in a collective, it is stalled. A rank that waits at a barrier which is the slower rank's very next
/// collective is not held up by a hang but by work one rank does alone (rank 0 running a stage that does not train data
/// parallel, or writing what the stage made): that wait is not timed. A rank that reports nothing for <see cref="Timeout"/> (its process frozen) is stalled too.
/// When every rank has entered the same collective and it stays unfinished on some of them while no rank moves for
/// <see cref="Timeout"/>, the collective itself hangs (NCCL, the network, a GPU): nobody is behind, so the ranks that
/// have not finished it are named. Rank 0
/// keeps one, fed by the others' reports over the rendezvous connections; the clock is the caller's.
/// </summary>
public sealed class StallDetector
{
    private readonly Entry[] _ranks;

    /// <summary>A detector for <paramref name="worldSize"/> ranks, every one at 0 collectives at <paramref name="now"/>.</summary>
    public StallDetector(int worldSize, TimeSpan timeout, TimeSpan now)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(worldSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        Timeout = timeout;
        _ranks = Enumerable.Range(0, worldSize).Select(_ => new Entry { Moved = now, Heard = now }).ToArray();
    }

    /// <summary>How long a rank may hold the others up, or stay silent.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Rank <paramref name="rank"/> has come as far as <paramref name="progress"/> says.</summary>
    public void Report(int rank, CollectiveProgress progress, TimeSpan now)
    {
        var entry = _ranks[rank];
        lock (entry)
        {
            if (progress != entry.Progress) entry.Moved = now;
            entry.Progress = progress;
            entry.Heard = now;
        }
    }

    /// <summary>Rank <paramref name="rank"/> has ended well: it holds nobody up and is no longer heard from.</summary>
    public void Finished(int rank)
    {
        var entry = _ranks[rank];
        lock (entry) entry.Finished = true;
    }

    /// <summary>The first stalled rank at <paramref name="now"/> and why (one line), or null when none is.</summary>
    public (int Rank, string Reason)? Stalled(TimeSpan now)
    {
        var ranks = _ranks.Select(e =>
        {
            lock (e) return (e.Progress.Entered, e.Progress.AtBarrier, e.Progress.InFlight, e.Moved, e.Heard, e.Finished);
        }).ToArray();
        string seconds = $"{Timeout.TotalSeconds:0.#} s";
        for (int r = 0; r < ranks.Length; r++)
        {
            var me = ranks[r];
            if (me.Finished) continue;
            if (now - me.Heard >= Timeout)
                return (r, $"rank {r} stalled: nothing heard from it for {seconds} (its process frozen or its host unreachable; Forge:CollectiveTimeout)");
            if (now - me.Moved < Timeout) continue;
            // A rank at the barrier that is this rank's very next collective waits for its work, not for a hang.
            var waiting = Enumerable.Range(0, ranks.Length)
                .Where(o => o != r && !ranks[o].Finished && ranks[o].Entered > me.Entered && !(ranks[o].AtBarrier && ranks[o].Entered == me.Entered + 1)).ToList();
            if (waiting.Count > 0)
                return (r, $"rank {r} stalled: it has not entered collective {me.Entered + 1} for {seconds} while rank(s) {string.Join(", ", waiting)} wait in it (a hang in rank {r}; Forge:CollectiveTimeout)");
        }
        // Nobody behind: every rank in the same collective, unfinished on some, and nothing moving anywhere.
        var live = ranks.Where(e => !e.Finished).ToList();
        var hung = Enumerable.Range(0, ranks.Length).Where(r => !ranks[r].Finished && ranks[r].InFlight).ToList();
        if (hung.Count > 0 && live.All(e => e.Entered == live[0].Entered && now - e.Moved >= Timeout))
            return (hung[0], $"collective {live[0].Entered} hung: every rank has entered it and rank(s) {string.Join(", ", hung)} have not finished it for {seconds} "
                + "(NCCL, the network or a GPU hung; Forge:CollectiveTimeout)");
        return null;
    }

    private sealed class Entry
    {
        public CollectiveProgress Progress;
        public TimeSpan Moved;
        public TimeSpan Heard;
        public bool Finished;
    }
}
