namespace Forge.Contracts.Rewards;

/// <summary>Base class for rewards that score each completion on its own.</summary>
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
            scores[i] = Score(batch[i]);
        }
        return scores;
    }

    /// <summary>Scores one completion; null for "no score".</summary>
    protected abstract double? Score(RewardInput input);
}
