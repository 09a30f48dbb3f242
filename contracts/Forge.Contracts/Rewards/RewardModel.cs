namespace Forge.Contracts.Rewards;

/// <summary>
/// Base class for rewards that score each completion on its own. Override <see cref="Score(RewardInput, CancellationToken)"/>
/// (contracts 1.1) to observe cancellation inside a slow row — the host cancels when a reward exceeds its timeout, and a
/// reward that keeps running keeps its thread — or, as contracts 1.0 required, <see cref="Score(RewardInput)"/>.
/// </summary>
public abstract class RewardModel : IRewardModel
{
    /// <inheritdoc />
    public IReadOnlyList<double?> Score(IReadOnlyList<RewardInput> batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var scores = new double?[batch.Count];
        for (int i = 0; i < batch.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            scores[i] = Score(batch[i], cancellationToken);
        }
        return scores;
    }

    /// <summary>Scores one completion; null for "no score". Abstract in contracts 1.0; from 1.1 either overload may be overridden.</summary>
    protected virtual double? Score(RewardInput input) =>
        throw new NotSupportedException($"{GetType().Name} overrides neither Score(RewardInput) nor Score(RewardInput, CancellationToken)");

    /// <summary>
    /// Scores one completion, observing <paramref name="cancellationToken"/> (cancelled when the reward's timeout
    /// passes); null for "no score". Calls <see cref="Score(RewardInput)"/> unless overridden. Since contracts 1.1.
    /// </summary>
    protected virtual double? Score(RewardInput input, CancellationToken cancellationToken) => Score(input);
}
