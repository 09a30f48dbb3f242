namespace Forge.Contracts.Rewards;

/// <summary>
/// Implemented by a correctness reward that knows when two final answers mean the same thing (<c>1/2</c> and
/// <c>0.5</c>), so that majority voting (cons@k) counts them as one vote. Without it, votes are compared as
/// whitespace-normalised strings.
/// </summary>
public interface IAnswerEquivalence
{
    /// <summary>The final answer of <paramref name="completion"/> as this reward reads it, or null when there is none.</summary>
    string? ExtractAnswer(string completion);

    /// <summary>True when the two extracted answers are equivalent; must be symmetric.</summary>
    bool AreEquivalent(string first, string second);
}
