namespace Forge.Core.Distributed;

/// <summary>
/// N ranks as threads of one process, for tests and CI: <see cref="Communicator"/> hands out each rank's
/// <see cref="ICommunicator"/>, whose collectives meet at a barrier and reduce every rank's tensor in rank order, so
/// that every rank gets the same bits — as NCCL gives. A rank that throws (<see cref="Run{T}"/>) or ends while the
/// others wait makes their collectives throw <see cref="RankFailedException"/> naming it; a rank that never arrives
/// makes them throw after <see cref="Timeout"/>.
/// </summary>
public sealed class InProcessWorld : IDisposable
{
    private readonly Barrier _barrier;
    private readonly CancellationTokenSource _abort = new();
    private readonly long[] _arrivals;
    private readonly object _gate = new();
    private string? _failure;
    private int _failedRank = -1;

    /// <summary>A world of <paramref name="size"/> ranks whose collectives give up after <paramref name="timeout"/> (default 2 minutes).</summary>
    public InProcessWorld(int size, TimeSpan? timeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        Size = size;
        Timeout = timeout ?? TimeSpan.FromMinutes(2);
        _barrier = new Barrier(size);
        _arrivals = new long[size];
        Slots = new TorchSharp.torch.Tensor?[size];
    }

    /// <summary>The number of ranks.</summary>
    public int Size { get; }

    /// <summary>How long a collective waits for the other ranks.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Each rank's contribution to the collective under way.</summary>
    internal TorchSharp.torch.Tensor?[] Slots { get; }

    /// <summary>The communicator of <paramref name="rank"/>.</summary>
    public ICommunicator Communicator(int rank)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rank);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(rank, Size);
        return new InProcessCommunicator(this, rank);
    }

    /// <summary>
    /// Runs <paramref name="body"/> on every rank, each on its own thread, and returns their results by rank. When ranks
    /// fail, the first failure that is not another rank's <see cref="RankFailedException"/> is rethrown.
    /// </summary>
    public static T[] Run<T>(int size, Func<ICommunicator, T> body, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        using var world = new InProcessWorld(size, timeout);
        var results = new T[size];
        var errors = new Exception?[size];
        var threads = Enumerable.Range(0, size).Select(rank => new Thread(() =>
        {
            using var communicator = world.Communicator(rank);
            try
            {
                results[rank] = body(communicator);
                world.Left(rank);
            }
            catch (Exception ex)
            {
                errors[rank] = ex;
                world.Fail(rank, ex.Message);
            }
        }, 64 * 1024 * 1024) { Name = $"rank {rank}" }).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        var first = errors.FirstOrDefault(e => e is not null and not RankFailedException) ?? errors.FirstOrDefault(e => e is not null);
        if (first is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
        return results;
    }

    /// <summary>Marks <paramref name="rank"/> failed: every collective waiting or still to come throws, naming it.</summary>
    public void Fail(int rank, string reason) => Abort(rank, $"rank {rank} failed: {reason}");

    /// <summary>Marks <paramref name="rank"/> finished: a collective another rank still waits in can never complete.</summary>
    internal void Left(int rank) => Abort(rank, $"rank {rank} ended while this rank waited in a collective");

    /// <summary>Records the first failure (later ones are ignored) and wakes every rank waiting in a collective.</summary>
    private void Abort(int rank, string failure)
    {
        lock (_gate)
        {
            if (_failure is not null) return;
            _failedRank = rank;
            _failure = failure;
        }
        _abort.Cancel();
    }

    /// <summary>Waits until every rank has arrived (one phase of a collective).</summary>
    internal void Wait(int rank)
    {
        Interlocked.Increment(ref _arrivals[rank]);
        bool arrived;
        try
        {
            arrived = _barrier.SignalAndWait(Timeout, _abort.Token);
        }
        catch (OperationCanceledException)
        {
            throw new RankFailedException(_failedRank, _failure ?? "the job was aborted");
        }
        if (!arrived)
        {
            long most = _arrivals.Max();
            var missing = Enumerable.Range(0, Size).Where(r => Volatile.Read(ref _arrivals[r]) < most).ToList();
            Fail(missing.FirstOrDefault(-1), $"did not reach a collective within {Timeout.TotalSeconds:0} s");
            throw new RankFailedException(missing.FirstOrDefault(-1),
                $"rank(s) {string.Join(", ", missing)} did not reach a collective within {Timeout.TotalSeconds:0} s");
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _barrier.Dispose();
        _abort.Dispose();
        foreach (var slot in Slots) slot?.Dispose();
    }
}
