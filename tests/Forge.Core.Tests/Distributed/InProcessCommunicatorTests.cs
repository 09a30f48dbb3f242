using FluentAssertions;
using Forge.Core.Distributed;
using Xunit;
using static TorchSharp.torch;

namespace Forge.Core.Tests.Distributed;

public sealed class InProcessCommunicatorTests
{
    [Theory]
    [InlineData(ReduceOp.Sum, new[] { 6.0, 60.0 })]
    [InlineData(ReduceOp.Average, new[] { 2.0, 20.0 })]
    [InlineData(ReduceOp.Max, new[] { 3.0, 30.0 })]
    [InlineData(ReduceOp.Min, new[] { 1.0, 10.0 })]
    public void AllReduceCombinesEveryRank(ReduceOp op, double[] expected)
    {
        var results = InProcessWorld.Run(3, c =>
        {
            using var t = tensor(new[] { c.Rank + 1.0, 10.0 * (c.Rank + 1) });
            c.AllReduce(t, op);
            return t.data<double>().ToArray();
        });
        results.Should().AllSatisfy(r => r.Should().Equal(expected));
    }

    [Fact]
    public void AllReduceGivesEveryRankTheSameBits()
    {
        var results = InProcessWorld.Run(3, c =>
        {
            using var t = randn(1000, generator: new Generator((ulong)(c.Rank + 7)));
            c.AllReduce(t, ReduceOp.Average);
            return t.data<float>().ToArray();
        });
        results[1].Should().Equal(results[0]);
        results[2].Should().Equal(results[0]);
    }

    [Fact]
    public void BroadcastCopiesTheRootsTensor()
    {
        var results = InProcessWorld.Run(3, c =>
        {
            using var t = full(4, c.Rank * 1.5f);
            c.Broadcast(t, root: 1);
            return t.data<float>().ToArray();
        });
        results.Should().AllSatisfy(r => r.Should().Equal(1.5f, 1.5f, 1.5f, 1.5f));
    }

    [Fact]
    public void AllGatherPlacesRankRAtChunkR()
    {
        var results = InProcessWorld.Run(3, c =>
        {
            using var input = tensor(new[] { c.Rank * 10f, c.Rank * 10f + 1 });
            using var output = zeros(6);
            c.AllGather(input, output);
            return output.data<float>().ToArray();
        });
        results.Should().AllSatisfy(r => r.Should().Equal(0f, 1f, 10f, 11f, 20f, 21f));
    }

    [Fact]
    public void ReduceScatterLeavesChunkROfTheSumOnRankR()
    {
        var results = InProcessWorld.Run(2, c =>
        {
            // rank 0: [1 2 3 4], rank 1: [10 20 30 40]; the sum [11 22 33 44] split in two.
            using var input = tensor(new[] { 1f, 2f, 3f, 4f }) * (c.Rank == 0 ? 1 : 10);
            using var output = zeros(2);
            c.ReduceScatter(input, output);
            return output.data<float>().ToArray();
        });
        results[0].Should().Equal(11f, 22f);
        results[1].Should().Equal(33f, 44f);
    }

    [Fact]
    public void ARankThatFailsEndsTheOthersCollectivesNamingIt()
    {
        Exception? seenByRank0 = null;
        var act = () => InProcessWorld.Run(2, c =>
        {
            if (c.Rank == 1) throw new InvalidOperationException("out of memory");
            try
            {
                using var t = ones(2);
                c.AllReduce(t);
            }
            catch (Exception ex)
            {
                seenByRank0 = ex;
                throw;
            }
            return 0;
        }, TimeSpan.FromSeconds(30));
        act.Should().Throw<InvalidOperationException>().WithMessage("out of memory");
        seenByRank0.Should().BeOfType<RankFailedException>().Which.Message.Should().Be("rank 1 failed: out of memory");
    }

    [Fact]
    public void ARankThatNeverArrivesIsNamedAfterTheTimeout()
    {
        using var world = new InProcessWorld(2, TimeSpan.FromMilliseconds(300));
        using var c = world.Communicator(0);
        using var t = ones(2);
        var act = () => c.AllReduce(t);
        act.Should().Throw<RankFailedException>().Where(e => e.FailedRank == 1).WithMessage("rank(s) 1 did not reach a collective within 0 s");
    }

    /// <summary>
    /// The collector running all the time, as under a loaded CI machine: a temporary view handed straight to
    /// <c>copy_</c> could be finalized while libtorch still read it, and the test host segfaulted (it did in CI, and
    /// did here 3 times out of 3 before the fix). Optimized builds only — CI runs Release; a Debug build keeps
    /// temporaries alive to the end of the method, so there this cannot fail.
    /// </summary>
    [Fact]
    public void Collectives_survive_the_collector_running_throughout()
    {
        using var stop = new CancellationTokenSource();
        var collector = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        }) { IsBackground = true };
        collector.Start();
        try
        {
            var sums = InProcessWorld.Run(2, c =>
            {
                using var t = ones(1 << 20);
                using var half = zeros(1 << 19);
                using var whole = zeros(1 << 20);
                for (int i = 0; i < 100; i++)
                {
                    c.Broadcast(t);
                    c.AllReduce(t, ReduceOp.Average);
                    c.ReduceScatter(t, half, ReduceOp.Average);
                    c.AllGather(half, whole);
                }
                return whole.sum().item<float>();
            });
            sums.Should().Equal(1 << 20, 1 << 20);
        }
        finally
        {
            stop.Cancel();
            collector.Join();
        }
    }
}
