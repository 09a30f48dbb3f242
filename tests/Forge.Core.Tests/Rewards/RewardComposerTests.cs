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
    public void Fail_on_error_turns_the_same_failure_into_an_error()
    {
        var composer = new RewardComposer([new("fragile", new Lambda(i => i.Completion == "c3" ? throw new FormatException("bad row") : 1.0), 1.0)],
            new RewardIsolationOptions { FailOnError = true }, new Warnings());
        var act = () => composer.Score(Batch);
        act.Should().Throw<ForgeDataException>().WithMessage("*fragile*row 3*bad row*");
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
        log.Messages.Should().ContainSingle().Which.Should().Contain("stuck").And.Contain("timeout");
    }

    [Fact]
    public void Non_finite_scores_become_no_score()
    {
        var composer = new RewardComposer([new("nan", new Lambda(_ => double.NaN), 1.0)], new RewardIsolationOptions(), new Warnings());
        composer.Score(Batch).Should().AllSatisfy(s => s.Rewards["nan"].Should().BeNull());
    }
}
