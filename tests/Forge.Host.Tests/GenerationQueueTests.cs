using System.Collections.Concurrent;
using Forge.Host.Serving;

namespace Forge.Host.Tests;

/// <summary>The model's queue: first come first served, bounded, and a cancelled request leaves it.</summary>
public class GenerationQueueTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Requests_run_one_at_a_time_in_the_order_they_came()
    {
        using var queue = new GenerationQueue(capacity: 10);
        using var gate = new ManualResetEventSlim();
        var order = new ConcurrentQueue<int>();
        int running = 0, overlapped = 0;
        var blocker = queue.TryRun(_ => gate.Wait(Patience), CancellationToken.None)!;
        var jobs = Enumerable.Range(1, 8).Select(i => queue.TryRun(_ =>
        {
            if (Interlocked.Increment(ref running) > 1) Interlocked.Increment(ref overlapped);
            order.Enqueue(i);
            Thread.Sleep(2);
            Interlocked.Decrement(ref running);
            return i;
        }, CancellationToken.None)!).ToList();

        gate.Set();
        (await Task.WhenAll(jobs).WaitAsync(Patience)).Should().Equal(1, 2, 3, 4, 5, 6, 7, 8);
        order.Should().Equal(1, 2, 3, 4, 5, 6, 7, 8);
        overlapped.Should().Be(0);
        (await blocker).Should().BeTrue();
    }

    [Fact]
    public async Task A_full_queue_refuses_at_once_and_a_request_cancelled_while_waiting_frees_its_place()
    {
        using var queue = new GenerationQueue(capacity: 2);
        using var gate = new ManualResetEventSlim();
        using var started = new ManualResetEventSlim();
        var running = queue.TryRun(_ => { started.Set(); return gate.Wait(Patience); }, CancellationToken.None)!;
        started.Wait(Patience).Should().BeTrue();
        using var leaving = new CancellationTokenSource();
        var first = queue.TryRun(_ => 1, leaving.Token);
        var second = queue.TryRun(_ => 2, CancellationToken.None);

        queue.TryRun(_ => 3, CancellationToken.None).Should().BeNull("two wait already");
        queue.Waiting.Should().Be(2);
        leaving.Cancel();
        await FluentActions.Awaiting(() => first!).Should().ThrowAsync<OperationCanceledException>();
        queue.Waiting.Should().Be(1);
        var third = queue.TryRun(_ => 3, CancellationToken.None);
        third.Should().NotBeNull("the cancelled request left the queue");

        gate.Set();
        (await second!.WaitAsync(Patience)).Should().Be(2);
        (await third!.WaitAsync(Patience)).Should().Be(3);
    }

    [Fact]
    public async Task Closing_cancels_the_waiting_and_the_running_request_and_refuses_new_ones()
    {
        using var queue = new GenerationQueue(capacity: 4);
        using var started = new ManualResetEventSlim();
        var running = queue.TryRun(token =>
        {
            started.Set();
            token.WaitHandle.WaitOne(Patience);
            token.ThrowIfCancellationRequested();
            return 0;
        }, CancellationToken.None)!;
        started.Wait(Patience).Should().BeTrue();
        var waiting = queue.TryRun(_ => 1, CancellationToken.None)!;

        queue.WaitForIdle(Patience).Should().BeTrue("the running request stops on its token");
        await FluentActions.Awaiting(() => running).Should().ThrowAsync<OperationCanceledException>();
        await FluentActions.Awaiting(() => waiting).Should().ThrowAsync<OperationCanceledException>();
        await FluentActions.Awaiting(() => queue.TryRun(_ => 2, CancellationToken.None)!).Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task A_failing_request_fails_alone()
    {
        using var queue = new GenerationQueue(capacity: 4);
        var failing = queue.TryRun<int>(_ => throw new ArgumentException("bad settings"), CancellationToken.None)!;
        var next = queue.TryRun(_ => 7, CancellationToken.None)!;

        await FluentActions.Awaiting(() => failing).Should().ThrowAsync<ArgumentException>().WithMessage("bad settings");
        (await next.WaitAsync(Patience)).Should().Be(7);
    }
}
