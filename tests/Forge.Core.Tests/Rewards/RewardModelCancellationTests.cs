using Forge.Contracts.Data;
using Forge.Contracts.Rewards;

namespace Forge.Core.Tests.Rewards;

public class RewardModelCancellationTests
{
    /// <summary>A per-row reward that waits on the token inside its row, as a slow scorer that checks it would.</summary>
    private sealed class Patient : RewardModel
    {
        public volatile bool SawCancellation;

        protected override double? Score(RewardInput input, CancellationToken cancellationToken)
        {
            try
            {
                Task.Delay(TimeSpan.FromSeconds(30), cancellationToken).Wait(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                SawCancellation = true;
                throw;
            }
            return 1;
        }
    }

    /// <summary>Contracts 1.0's shape: only the one-argument overload.</summary>
    private sealed class OneArgument : RewardModel
    {
        protected override double? Score(RewardInput input) => input.Completion.Length;
    }

    private static RewardInput Input(string completion) => new(new PromptRow("1", "p"), completion);

    [Fact]
    public void A_per_row_reward_sees_the_batch_token_inside_its_row()
    {
        var reward = new Patient();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var act = () => reward.Score([Input("a")], cancel.Token);

        act.Should().Throw<OperationCanceledException>();
        reward.SawCancellation.Should().BeTrue();
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10), "the row stopped when the token fired, not after 30 s");
    }

    [Fact]
    public void A_reward_written_for_contracts_1_0_still_scores_through_its_one_argument_overload()
    {
        new OneArgument().Score([Input("abc"), Input("")], CancellationToken.None).Should().Equal(3.0, 0.0);
    }
}
