using FluentAssertions;
using Forge.Core.Distributed;
using Xunit;

namespace Forge.Core.Tests.Distributed;

/// <summary>Which rank holds the others up, and when waiting for it is no hang.</summary>
public sealed class StallDetectorTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static TimeSpan At(double seconds) => TimeSpan.FromSeconds(seconds);

    /// <summary>Every rank reports <paramref name="entered"/> (by rank) at <paramref name="seconds"/>.</summary>
    private static void ReportAll(StallDetector detector, double seconds, long[] entered, bool[]? atBarrier = null)
    {
        for (int r = 0; r < entered.Length; r++) detector.Report(r, CollectiveProgress.Synchronous(entered[r], atBarrier?[r] ?? false), At(seconds));
    }

    [Fact]
    public void A_rank_behind_ranks_waiting_in_a_collective_is_named_after_the_timeout_and_not_before()
    {
        var detector = new StallDetector(3, Timeout, At(0));
        ReportAll(detector, 1, [5, 4, 5]);
        ReportAll(detector, 10.5, [5, 4, 5]);
        detector.Stalled(At(10.9)).Should().BeNull("rank 1 last moved at 1 s");
        var stalled = detector.Stalled(At(11));
        stalled.Should().NotBeNull();
        stalled!.Value.Rank.Should().Be(1);
        stalled.Value.Reason.Should().Be("rank 1 stalled: it has not entered collective 5 for 10 s while rank(s) 0, 2 wait in it (a hang in rank 1; Forge:CollectiveTimeout)");
    }

    [Fact]
    public void A_slow_rank_that_keeps_moving_is_not_stalled()
    {
        var detector = new StallDetector(2, Timeout, At(0));
        for (int t = 0; t <= 60; t += 5)
        {
            ReportAll(detector, t, [100, t]);
            detector.Stalled(At(t + 4.9)).Should().BeNull();
        }
    }

    [Fact]
    public void Ranks_waiting_at_the_barrier_that_is_the_slow_ranks_next_collective_are_not_timed()
    {
        var detector = new StallDetector(3, Timeout, At(0));
        // Rank 0 runs a stage alone after collective 4; ranks 1 and 2 wait at barrier 5.
        ReportAll(detector, 1, [4, 5, 5], [false, true, true]);
        ReportAll(detector, 500, [4, 5, 5], [false, true, true]);
        detector.Stalled(At(501)).Should().BeNull("waiting for work one rank does alone is not a hang");

        // A barrier further on means rank 0 has not entered a collective the others got past: that is timed.
        ReportAll(detector, 502, [4, 7, 7], [false, true, true]);
        ReportAll(detector, 515, [4, 7, 7], [false, true, true]);
        detector.Stalled(At(515)).Should().NotBeNull().And.Subject.As<(int Rank, string Reason)?>()!.Value.Rank.Should().Be(0);
    }

    [Fact]
    public void A_silent_rank_is_named_and_a_finished_one_is_not()
    {
        var detector = new StallDetector(3, Timeout, At(0));
        detector.Report(0, CollectiveProgress.Synchronous(3), At(9));
        detector.Report(1, CollectiveProgress.Synchronous(3), At(9));
        detector.Stalled(At(9.9)).Should().BeNull();
        var silent = detector.Stalled(At(10));
        silent!.Value.Rank.Should().Be(2);
        silent.Value.Reason.Should().StartWith("rank 2 stalled: nothing heard from it for 10 s");

        detector.Finished(2);
        detector.Stalled(At(10)).Should().BeNull("rank 2 said goodbye");
    }

    [Fact]
    public void A_collective_every_rank_entered_and_some_have_not_finished_is_named_hung_after_the_timeout()
    {
        var detector = new StallDetector(3, Timeout, At(0));
        // Every rank has launched collective 7; ranks 0 and 2 have not finished it, rank 1 has.
        CollectiveProgress[] progress = [new(7, 6, false), new(7, 7, false), new(7, 6, false)];
        for (int r = 0; r < 3; r++) detector.Report(r, progress[r], At(1));
        for (int r = 0; r < 3; r++) detector.Report(r, progress[r], At(8));
        detector.Stalled(At(10.9)).Should().BeNull("nothing has stood still for 10 s yet");
        var hung = detector.Stalled(At(11));
        hung.Should().NotBeNull();
        hung!.Value.Rank.Should().Be(0);
        hung.Value.Reason.Should().Be("collective 7 hung: every rank has entered it and rank(s) 0, 2 have not finished it for 10 s (NCCL, the network or a GPU hung; Forge:CollectiveTimeout)");
    }

    [Fact]
    public void Ranks_computing_between_collectives_or_finishing_one_slowly_are_not_hung()
    {
        var detector = new StallDetector(2, Timeout, At(0));
        // Both ranks past collective 4 and computing for minutes: nothing in flight.
        for (int r = 0; r < 2; r++) detector.Report(r, new CollectiveProgress(4, 4, false), At(1));
        for (int r = 0; r < 2; r++) detector.Report(r, new CollectiveProgress(4, 4, false), At(299));
        detector.Stalled(At(300)).Should().BeNull("computing between collectives is not a hang");

        // A collective in flight that finishes within the timeout moves the rank.
        detector = new StallDetector(2, Timeout, At(0));
        detector.Report(0, new CollectiveProgress(5, 4, false), At(1));
        detector.Report(1, new CollectiveProgress(5, 4, false), At(1));
        detector.Report(0, new CollectiveProgress(5, 5, false), At(9));
        detector.Report(1, new CollectiveProgress(5, 5, false), At(9));
        for (int r = 0; r < 2; r++) detector.Report(r, new CollectiveProgress(5, 5, false), At(14));
        detector.Stalled(At(15)).Should().BeNull();

        // A rank behind the others is named as stalled, not the collective as hung.
        detector = new StallDetector(2, Timeout, At(0));
        detector.Report(0, new CollectiveProgress(6, 5, false), At(1));
        detector.Report(1, new CollectiveProgress(5, 5, false), At(1));
        detector.Report(0, new CollectiveProgress(6, 5, false), At(10));
        detector.Report(1, new CollectiveProgress(5, 5, false), At(10));
        detector.Stalled(At(11))!.Value.Reason.Should().StartWith("rank 1 stalled: it has not entered collective 6");
    }
}
