using Forge.Contracts.Rewards;

namespace Forge.Core.Evaluation;

/// <summary>
/// The majority answer among a prompt's k completions, for cons@k. Votes are the final answers the correctness reward
/// reads, grouped by its <see cref="IAnswerEquivalence"/> (1/2 and 0.5 are one vote); a reward without it falls back
/// to <see cref="AnswerExtractor"/>'s whitespace-normalised strings. Completions without an answer do not vote; a tie
/// goes to the answer given first.
/// </summary>
public sealed class MajorityVote
{
    private readonly Func<string, string?> _extract;
    private readonly Func<string, string, bool> _equivalent;

    /// <summary>Votes as <paramref name="correctness"/> reads answers, when it is an <see cref="IAnswerEquivalence"/>.</summary>
    public MajorityVote(IRewardModel correctness)
    {
        if (correctness is IAnswerEquivalence equivalence)
        {
            _extract = equivalence.ExtractAnswer;
            _equivalent = equivalence.AreEquivalent;
        }
        else
        {
            _extract = AnswerExtractor.Extract;
            _equivalent = (a, b) => string.Equals(a, b, StringComparison.Ordinal);
        }
    }

    /// <summary>The index (into <paramref name="completions"/>) of the first completion giving the majority answer; null when none has an answer.</summary>
    public int? Winner(IReadOnlyList<string> completions)
    {
        ArgumentNullException.ThrowIfNull(completions);
        // Each cluster: the completion that opened it (its representative answer) and its votes, in order of appearance.
        var clusters = new List<(int First, string Answer, int Votes)>();
        for (int i = 0; i < completions.Count; i++)
        {
            string? answer = _extract(completions[i]);
            if (answer is null) continue;
            int cluster = clusters.FindIndex(c => _equivalent(c.Answer, answer));
            if (cluster < 0) clusters.Add((i, answer, 1));
            else clusters[cluster] = clusters[cluster] with { Votes = clusters[cluster].Votes + 1 };
        }
        if (clusters.Count == 0) return null;
        var best = clusters[0];
        foreach (var cluster in clusters)
            if (cluster.Votes > best.Votes) best = cluster;
        return best.First;
    }
}
