namespace Forge.Host.Serving;

/// <summary>
/// One model, one generation at a time: requests wait their turn first come, first served, in a queue of bounded
/// length, and a request that finds it full is refused at once (the server answers 429) instead of piling up. A
/// request cancelled while waiting (its client went away) leaves the queue and frees its place; one cancelled while
/// running gets the cancellation through its token (the sampler checks it between decode steps). Work runs on one
/// dedicated thread. <see cref="Close"/> refuses new work, cancels the waiting and running requests, and lets the
/// thread end.
/// </summary>
internal sealed class GenerationQueue : IDisposable
{
    private readonly object _gate = new();
    private readonly LinkedList<Job> _waiting = [];
    private readonly CancellationTokenSource _closing = new();
    private readonly Thread _worker;
    private Job? _running;
    private bool _closed;

    public GenerationQueue(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        Capacity = capacity;
        _worker = new Thread(Work) { IsBackground = true, Name = "forge serve generation" };
        _worker.Start();
    }

    /// <summary>Requests that may wait (the running one not counted).</summary>
    public int Capacity { get; }

    /// <summary>Requests waiting now.</summary>
    public int Waiting
    {
        get { lock (_gate) return _waiting.Count; }
    }

    /// <summary>
    /// Queues <paramref name="work"/>, or returns null when <see cref="Capacity"/> requests already wait. The task ends
    /// with the work's result or exception, or cancelled (by <paramref name="cancellationToken"/>, or by <see cref="Close"/>).
    /// </summary>
    public Task<T>? TryRun<T>(Func<CancellationToken, T> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closing.Token);
        var job = new Job<T>(work, source.Token);
        // A cancellation before the job is queued finds no node and leaves it to Execute, which checks the token first.
        var withdrawal = source.Token.Register(() => Withdraw(job));
        bool queued, closed;
        lock (_gate)
        {
            closed = _closed;
            queued = !closed && _waiting.Count + (_running is null ? 0 : 1) <= Capacity;
            if (queued)
            {
                job.Node = _waiting.AddLast(job);
                Monitor.Pulse(_gate);
            }
        }
        if (!queued)
        {
            withdrawal.Dispose(); // outside the lock: it waits for a Withdraw that may be waiting for the lock
            source.Dispose();
            return closed ? Task.FromCanceled<T>(new CancellationToken(canceled: true)) : null;
        }
        // Released once the job is over (continuations run on another thread than a Withdraw that may be finishing it).
        job.Result.ContinueWith(_ =>
        {
            withdrawal.Dispose();
            source.Dispose();
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return job.Result;
    }

    /// <summary>A cancelled job that has not started leaves the queue (a started one sees its token).</summary>
    private void Withdraw(Job job)
    {
        lock (_gate)
        {
            if (job.Node is null) return;
            _waiting.Remove(job.Node);
            job.Node = null;
        }
        job.Cancel();
    }

    private void Work()
    {
        while (true)
        {
            Job job;
            lock (_gate)
            {
                while (_waiting.Count == 0 && !_closed) Monitor.Wait(_gate);
                if (_closed) return;
                job = _waiting.First!.Value;
                _waiting.RemoveFirst();
                job.Node = null;
                _running = job;
            }
            job.Execute();
            lock (_gate) _running = null;
        }
    }

    /// <summary>Refuses new work, cancels the waiting jobs and the running one.</summary>
    public void Close()
    {
        List<Job> abandoned;
        lock (_gate)
        {
            if (_closed) return;
            _closed = true;
            abandoned = [.. _waiting];
            foreach (var job in abandoned) job.Node = null;
            _waiting.Clear();
            Monitor.PulseAll(_gate);
        }
        foreach (var job in abandoned) job.Cancel();
        _closing.Cancel();
    }

    /// <summary>Closes, then waits up to <paramref name="patience"/> for the running job to notice and the thread to end.</summary>
    public bool WaitForIdle(TimeSpan patience)
    {
        Close();
        return _worker.Join(patience);
    }

    public void Dispose() => WaitForIdle(TimeSpan.FromSeconds(5));

    private abstract class Job(CancellationToken token)
    {
        public CancellationToken Token { get; } = token;

        public LinkedListNode<Job>? Node { get; set; }

        public abstract void Execute();

        public abstract void Cancel();
    }

    private sealed class Job<T>(Func<CancellationToken, T> work, CancellationToken token) : Job(token)
    {
        private readonly TaskCompletionSource<T> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<T> Result => _result.Task;

        public override void Execute()
        {
            try
            {
                Token.ThrowIfCancellationRequested();
                _result.TrySetResult(work(Token));
            }
            catch (OperationCanceledException) when (Token.IsCancellationRequested)
            {
                _result.TrySetCanceled(Token);
            }
            catch (Exception e)
            {
                _result.TrySetException(e);
            }
        }

        public override void Cancel() => _result.TrySetCanceled(Token.IsCancellationRequested ? Token : new CancellationToken(canceled: true));
    }
}
