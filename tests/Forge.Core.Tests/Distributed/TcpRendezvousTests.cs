using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using FluentAssertions;
using Forge.Core.Distributed;
using Xunit;

namespace Forge.Core.Tests.Distributed;

public sealed class TcpRendezvousTests
{
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static DistributedEnvironment Rank(int rank, int size, int port) => new(rank, size, rank, "127.0.0.1", port);

    /// <summary>Joins <paramref name="size"/> ranks on threads; lost-rank reports go to <paramref name="lost"/> as (observer, lost rank, text).</summary>
    private static TcpRendezvous[] Join(int size, ConcurrentQueue<(int, int, string)> lost)
    {
        int port = FreePort();
        var joined = new TcpRendezvous[size];
        var threads = Enumerable.Range(0, size).Select(r => new Thread(() =>
            joined[r] = TcpRendezvous.Join(Rank(r, size, port), () => [1, 2, 3, 4], TimeSpan.FromSeconds(20), (rank, what) => lost.Enqueue((r, rank, what))))).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        return joined;
    }

    [Fact]
    public void Rank_0_hands_its_payload_to_every_other_rank()
    {
        var lost = new ConcurrentQueue<(int, int, string)>();
        var ranks = Join(3, lost);
        ranks[1].Payload.Should().Equal(1, 2, 3, 4);
        ranks[2].Payload.Should().Equal(1, 2, 3, 4);
        foreach (var r in ranks) r.Finished();
        foreach (var r in ranks) r.Dispose();
        Thread.Sleep(300);
        lost.Should().BeEmpty("ranks that said goodbye are not lost");
    }

    [Fact]
    public void A_rank_that_ends_without_finishing_is_named_to_every_other_rank()
    {
        var lost = new ConcurrentQueue<(int, int, string)>();
        var ranks = Join(3, lost);
        ranks[1].Dispose(); // rank 1 dies
        SpinWait.SpinUntil(() => lost.Count >= 2, TimeSpan.FromSeconds(10));
        lost.Should().Contain((0, 1, "rank 1 exited without finishing (its connection to the rendezvous closed)"));
        lost.Should().Contain(x => x.Item1 == 2 && x.Item2 == 1, "rank 0 passes the news on to rank 2");
        ranks[0].Dispose();
        ranks[2].Dispose();
    }

    [Fact]
    public void A_rank_alive_but_stuck_behind_the_others_ends_the_job_on_every_rank_named()
    {
        var lost = new ConcurrentQueue<(int, int, string)>();
        var ranks = Join(3, lost);
        long[] entered = [12, 11, 12]; // rank 1 never enters collective 12
        for (int r = 0; r < 3; r++)
        {
            int rank = r;
            ranks[r].StartWatchdog(() => CollectiveProgress.Synchronous(entered[rank]), TimeSpan.FromSeconds(1));
        }
        SpinWait.SpinUntil(() => lost.Count >= 3, TimeSpan.FromSeconds(15)).Should().BeTrue("every rank, the stalled one too, is told");
        lost.Select(x => x.Item2).Should().AllBeEquivalentTo(1);
        lost.Select(x => x.Item1).Should().BeEquivalentTo([0, 1, 2]);
        lost.Should().AllSatisfy(x => x.Item3.Should().StartWith("rank 1 stalled: it has not entered collective 12 for 1 s while rank(s) 0, 2 wait in it"));
        foreach (var r in ranks) r.Dispose();
    }

    [Fact]
    public void A_collective_hung_on_every_rank_ends_the_job_on_every_rank_named()
    {
        var lost = new ConcurrentQueue<(int, int, string)>();
        var ranks = Join(2, lost);
        // Both ranks launched collective 9; rank 1's GPU never finishes it.
        ranks[0].StartWatchdog(() => new CollectiveProgress(9, 9, false), TimeSpan.FromSeconds(1));
        ranks[1].StartWatchdog(() => new CollectiveProgress(9, 8, false), TimeSpan.FromSeconds(1));
        SpinWait.SpinUntil(() => lost.Count >= 2, TimeSpan.FromSeconds(15)).Should().BeTrue("both ranks are told");
        lost.Should().AllSatisfy(x => x.Item2.Should().Be(1));
        lost.Should().AllSatisfy(x => x.Item3.Should().StartWith("collective 9 hung: every rank has entered it and rank(s) 1 have not finished it for 1 s"));
        foreach (var r in ranks) r.Dispose();
    }

    [Fact]
    public void Ranks_in_step_with_the_watchdog_on_are_not_stopped()
    {
        var lost = new ConcurrentQueue<(int, int, string)>();
        var ranks = Join(3, lost);
        long entered = 0;
        // Heartbeats every 0.5 s against a 2 s timeout: robust to a loaded CI machine's scheduling delays.
        foreach (var r in ranks) r.StartWatchdog(() => CollectiveProgress.Synchronous(Interlocked.Read(ref entered)), TimeSpan.FromSeconds(2));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(4))
        {
            Interlocked.Increment(ref entered);
            Thread.Sleep(100);
        }
        lost.Should().BeEmpty("ranks that move together and keep talking are not stalled");
        foreach (var r in ranks) r.Finished();
        Thread.Sleep(2500);
        lost.Should().BeEmpty("finished ranks are not watched");
        foreach (var r in ranks) r.Dispose();
    }

    [Fact]
    public void A_rank_whose_communicator_reports_an_error_ends_naming_itself_and_the_others_learn_it_is_gone()
    {
        var lost = new ConcurrentQueue<(int, int, string)>();
        var ranks = Join(2, lost);
        string? error = null;
        // Rank 0 waits long (it must not find rank 1 silent before rank 1's exit closes the connection); rank 1 asks often.
        ranks[0].StartWatchdog(() => CollectiveProgress.Synchronous(1), TimeSpan.FromMinutes(1));
        ranks[1].StartWatchdog(() => CollectiveProgress.Synchronous(1), TimeSpan.FromSeconds(2), () => error);
        Thread.Sleep(200);
        lost.Should().BeEmpty();
        error = "NCCL failed on rank 1: remote process exited or there was a network error (6)";
        SpinWait.SpinUntil(() => !lost.IsEmpty, TimeSpan.FromSeconds(15)).Should().BeTrue("the watchdog asks every half second here");
        lost.Should().ContainSingle().Which.Should().Be((1, 1, error));
        ranks[1].Dispose(); // the rank's process ends
        SpinWait.SpinUntil(() => lost.Count >= 2, TimeSpan.FromSeconds(10));
        lost.Should().Contain((0, 1, "rank 1 exited without finishing (its connection to the rendezvous closed)"));
        ranks[0].Dispose();
    }

    [Fact]
    public void A_frozen_rank_0_or_a_silent_rank_is_named_after_the_timeout()
    {
        var lost = new ConcurrentQueue<(int, int, string)>();
        var ranks = Join(3, lost);
        // Rank 0's process "frozen": it sends no heartbeat; ranks 1 and 2 report as usual.
        ranks[1].StartWatchdog(() => CollectiveProgress.Synchronous(3), TimeSpan.FromMilliseconds(600));
        ranks[2].StartWatchdog(() => CollectiveProgress.Synchronous(3), TimeSpan.FromMilliseconds(600));
        SpinWait.SpinUntil(() => lost.Count >= 2, TimeSpan.FromSeconds(10)).Should().BeTrue();
        lost.Should().AllSatisfy(x => x.Item2.Should().Be(0));
        lost.Should().Contain(x => x.Item1 == 1 && x.Item3.StartsWith("rank 0 stalled: nothing heard from it for 0.6 s", StringComparison.Ordinal));
        foreach (var r in ranks) r.Dispose();

        var again = new ConcurrentQueue<(int, int, string)>();
        var others = Join(2, again);
        others[0].StartWatchdog(() => CollectiveProgress.Synchronous(3), TimeSpan.FromMilliseconds(600)); // rank 1 never reports
        SpinWait.SpinUntil(() => again.Any(x => x.Item1 == 0), TimeSpan.FromSeconds(10)).Should().BeTrue();
        again.Should().Contain(x => x.Item1 == 0 && x.Item2 == 1 && x.Item3.StartsWith("rank 1 stalled: nothing heard from it", StringComparison.Ordinal));
        foreach (var r in others) r.Dispose();
    }

    [Fact]
    public void A_rank_that_never_joins_is_named_after_the_timeout()
    {
        int port = FreePort();
        var act = () => TcpRendezvous.Join(Rank(0, 2, port), () => [1], TimeSpan.FromMilliseconds(300), (_, _) => { });
        act.Should().Throw<RankFailedException>().Where(e => e.FailedRank == 1).WithMessage("rendezvous: rank(s) 1 did not join rank 0*");
    }

    [Fact]
    public void The_launch_contract_is_read_from_the_environment_with_one_line_per_mistake()
    {
        Func<string, string?> Env(params (string, string)[] pairs) => name => pairs.FirstOrDefault(p => p.Item1 == name).Item2;
        DistributedEnvironment.Read(Env()).Should().BeNull("no job");
        DistributedEnvironment.Read(Env(("RANK", "0"), ("WORLD_SIZE", "1"))).Should().BeNull("a world of one");
        DistributedEnvironment.Read(Env(("RANK", "1"), ("WORLD_SIZE", "2"), ("LOCAL_RANK", "1"), ("MASTER_ADDR", "node0"), ("MASTER_PORT", "29500")))
            .Should().Be(new DistributedEnvironment(1, 2, 1, "node0", 29500));
        var missing = () => DistributedEnvironment.Read(Env(("RANK", "1"), ("WORLD_SIZE", "2"), ("MASTER_PORT", "29500")));
        missing.Should().Throw<ForgeDataException>().WithMessage("environment MASTER_ADDR: not set (WORLD_SIZE is 2)*");
        var bad = () => DistributedEnvironment.Read(Env(("RANK", "2"), ("WORLD_SIZE", "2"), ("MASTER_ADDR", "a"), ("MASTER_PORT", "1")));
        bad.Should().Throw<ForgeDataException>().WithMessage("environment RANK: '2' is not an integer 0–1*");
        var environment = new DistributedEnvironment(0, 2, 0, "a", 29500);
        TcpRendezvous.Port(environment, Env()).Should().Be(29500);
        TcpRendezvous.Port(environment, Env(("TORCHELASTIC_USE_AGENT_STORE", "True"))).Should().Be(29501, "torchrun's agent keeps its store at MASTER_PORT");
    }
}
