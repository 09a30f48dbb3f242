using System.Collections;

namespace Forge.Core.Rewards;

/// <summary>
/// What one <see cref="RewardComposer.Score"/> call gives: a <see cref="RewardScores"/> per input, in order, and for
/// every reward the number of inputs it failed on (threw on, or timed out on) and so left without a score.
/// </summary>
public sealed class ScoredBatch : IReadOnlyList<RewardScores>
{
    private readonly IReadOnlyList<RewardScores> _rows;

    /// <summary>Creates the result of scoring <paramref name="rows"/>.Count inputs.</summary>
    /// <param name="rows">One <see cref="RewardScores"/> per input, in order.</param>
    /// <param name="failed">Every reward by name → the number of inputs it failed on (0 when none).</param>
    public ScoredBatch(IReadOnlyList<RewardScores> rows, IReadOnlyDictionary<string, int> failed)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(failed);
        _rows = rows;
        Failed = failed;
    }

    /// <summary>Every reward by name → the number of inputs it failed on in this call; 0 when it failed on none.</summary>
    public IReadOnlyDictionary<string, int> Failed { get; }

    /// <inheritdoc />
    public RewardScores this[int index] => _rows[index];

    /// <inheritdoc />
    public int Count => _rows.Count;

    /// <inheritdoc />
    public IEnumerator<RewardScores> GetEnumerator() => _rows.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
