using System.Reflection;
using Forge.Contracts.Data;
using Forge.Contracts.Rewards;
using Forge.Core.Rewards;
using Microsoft.Extensions.Logging;

namespace Forge.Core.Tests.Rewards;

public class RewardComposerTests
{
    private sealed class Lambda(Func<RewardInput, double?> score) : RewardModel
    {
        protected override double? Score(RewardInput input) => score(input);
    }

    private sealed class Hang : IRewardModel
    {
        public IReadOnlyList<double?> Score(IReadOnlyList<RewardInput> batch, CancellationToken cancellationToken = default)
        {
            // Hangs until the composer gives up on it (a reward that never checks the token would stay blocked).
            cancellationToken.WaitHandle.WaitOne(TimeSpan.FromSeconds(30));
            return [];
        }
    }

    private sealed class Fixed(IReadOnlyList<double?> scores) : IRewardModel
    {
        public IReadOnlyList<double?> Score(IReadOnlyList<RewardInput> batch, CancellationToken cancellationToken = default) => scores;
    }

    private sealed class Warnings : ILogger
    {
        public List<string> Messages { get; } = [];
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Messages.Add(formatter(state, exception));
    }

    private static readonly RewardInput[] Batch = Enumerable.Range(1, 4).Select(i => new RewardInput(new PromptRow($"r{i}", "p"), $"c{i}")).ToArray();

    [Fact]
    public void Weighted_total_skips_rewards_without_a_score()
    {
        var composer = new RewardComposer([
            new("a", new Lambda(_ => 1.0), 0.5),
            new("b", new Lambda(i => i.Completion == "c2" ? null : 2.0), 2.0)], new RewardIsolationOptions(), new Warnings());
        var scores = composer.Score(Batch);
        scores.Select(s => s.Total).Should().Equal(4.5, 0.5, 4.5, 4.5);
        scores[1].Rewards["b"].Should().BeNull();
    }

    [Fact]
    public void A_reward_that_throws_on_one_row_scores_null_there_with_a_warning_and_the_rest_survive()
    {
        var log = new Warnings();
        var composer = new RewardComposer([new("fragile", new Lambda(i => i.Completion == "c3" ? throw new FormatException("bad row") : 1.0), 1.0)],
            new RewardIsolationOptions(), log);
        var scores = composer.Score(Batch);
        scores.Select(s => s.Rewards["fragile"]).Should().Equal(1.0, 1.0, null, 1.0);
        log.Messages.Should().ContainSingle().Which.Should().Contain("fragile").And.Contain("row 3").And.Contain("bad row");
    }

    [Fact]
    public void A_reward_failing_on_several_rows_warns_once_per_call_with_the_count_and_the_first_failure()
    {
        var log = new Warnings();
        var composer = new RewardComposer([
            new("ok", new Lambda(_ => 1.0), 1.0),
            new("fragile", new Lambda(i => i.Completion is "c2" or "c4" ? throw new FormatException($"bad {i.Completion}") : 1.0), 1.0)],
            new RewardIsolationOptions(), log);

        var first = composer.Score(Batch);
        var second = composer.Score(Batch);

        first.Select(s => s.Rewards["fragile"]).Should().Equal(1.0, null, 1.0, null);
        first.Failed.Should().Equal(new Dictionary<string, int> { ["ok"] = 0, ["fragile"] = 2 });
        second.Failed["fragile"].Should().Be(2, "each call counts its own failures");
        log.Messages.Should().Equal(Enumerable.Repeat("reward 'fragile' failed on 2 of 4 completions (first: row 2 (r2): FormatException: bad c2); they score null", 2));
    }

    [Fact]
    public void A_call_where_every_reward_scores_counts_no_failure_and_warns_nothing()
    {
        var log = new Warnings();
        var composer = new RewardComposer([new("ok", new Lambda(_ => 1.0), 1.0)], new RewardIsolationOptions(), log);
        composer.Score(Batch).Failed.Should().Equal(new Dictionary<string, int> { ["ok"] = 0 });
        log.Messages.Should().BeEmpty();
    }

    [Fact]
    public void Fail_on_error_turns_the_same_failure_into_a_reward_fault_carrying_the_rewards_own_exception()
    {
        var composer = new RewardComposer([new("fragile", new Lambda(i => i.Completion == "c3" ? throw new FormatException("bad row") : 1.0), 1.0)],
            new RewardIsolationOptions { FailOnError = true }, new Warnings());
        var act = () => composer.Score(Batch);
        var fault = act.Should().Throw<RewardFaultException>().Which;
        fault.Message.Should().Be("reward 'fragile' failed on row 3 (r3): FormatException: bad row");
        fault.InnerException.Should().BeOfType<FormatException>();
        fault.InStep("rl", 7).Message.Should().Be(
            "reward plugin 'fragile' failed in stage 'rl' at step 7 on row 3 (r3): FormatException: bad row; no step checkpoint to resume from");
    }

    [Fact]
    public void A_fault_names_the_exception_the_reward_threw_inside_reflection_and_task_wrappers()
    {
        var composer = new RewardComposer([new("wrapped", new Lambda(_ =>
                throw new TargetInvocationException(new AggregateException(new ArgumentException("the real reason")))), 1.0)],
            new RewardIsolationOptions { FailOnError = true }, new Warnings());
        var act = () => composer.Score(Batch);
        act.Should().Throw<RewardFaultException>().WithMessage("reward 'wrapped' failed on row 1 (r1): ArgumentException: the real reason");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_reward_returning_the_wrong_number_of_scores_is_a_fault_whatever_the_isolation(bool failOnError)
    {
        var composer = new RewardComposer([new("short", new Fixed([1.0, 1.0, 1.0]), 1.0)],
            new RewardIsolationOptions { FailOnError = failOnError }, new Warnings());
        var act = () => composer.Score(Batch);
        act.Should().Throw<RewardFaultException>().WithMessage("reward 'short' failed: InvalidOperationException: returned 3 scores for 4 completions");
    }

    [Fact]
    public void A_hanging_reward_times_out_to_null_for_the_batch()
    {
        var log = new Warnings();
        var composer = new RewardComposer([new("ok", new Lambda(_ => 1.0), 1.0), new("stuck", new Hang(), 1.0)],
            new RewardIsolationOptions { Timeout = TimeSpan.FromSeconds(1) }, log);
        var scores = composer.Score(Batch);
        scores.Should().AllSatisfy(s => s.Rewards["stuck"].Should().BeNull());
        scores.Select(s => s.Total).Should().AllBeEquivalentTo(1.0);
        scores.Failed.Should().Equal(new Dictionary<string, int> { ["ok"] = 0, ["stuck"] = 4 });
        log.Messages.Should().ContainSingle().Which.Should().Be("reward 'stuck' exceeded its timeout of 1 s on a batch of 4; its scores for the batch are null");
    }

    [Fact]
    public void Fail_on_error_turns_a_timeout_into_a_reward_fault_naming_the_timeout()
    {
        var composer = new RewardComposer([new("stuck", new Hang(), 1.0)],
            new RewardIsolationOptions { Timeout = TimeSpan.FromMilliseconds(200), FailOnError = true }, new Warnings());
        var act = () => composer.Score(Batch);
        act.Should().Throw<RewardFaultException>().WithMessage("reward 'stuck' failed: TimeoutException: exceeded its timeout of 0.2 s on a batch of 4")
            .WithInnerException<TimeoutException>();
    }

    [Fact]
    public void Non_finite_scores_become_no_score()
    {
        var composer = new RewardComposer([new("nan", new Lambda(_ => double.NaN), 1.0)], new RewardIsolationOptions(), new Warnings());
        composer.Score(Batch).Should().AllSatisfy(s => s.Rewards["nan"].Should().BeNull());
    }
}
