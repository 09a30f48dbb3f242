namespace Forge.Contracts.Rewards;

/// <summary>
/// Scores completions. Rewards are pure functions of their input: no side effects, safe to call from several threads.
/// Derive from <see cref="RewardModel"/> to score one completion at a time.
/// </summary>
public interface IRewardModel
{
    /// <summary>One score per input, in order; null means "no score" (e.g. the gold answer cannot be parsed).</summary>
    IReadOnlyList<double?> Score(IReadOnlyList<RewardInput> batch, CancellationToken cancellationToken = default);
}
