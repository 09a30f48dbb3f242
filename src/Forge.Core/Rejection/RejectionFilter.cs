using System.Text.RegularExpressions;
using Forge.Core.Rewards;

namespace Forge.Core.Rejection;

/// <summary>Why a sample was dropped (counted in the stage metrics).</summary>
public enum RejectionReason
{
    /// <summary>Kept.</summary>
    None,
    /// <summary>Stopped at the token limit.</summary>
    Truncated,
    /// <summary>A reward was missing or below its threshold.</summary>
    BelowThreshold,
    /// <summary>The same text (whitespace aside) was already kept for this prompt.</summary>
    Duplicate,
    /// <summary>The prompt already has <see cref="RejectionFilter.MaxPerPrompt"/> samples.</summary>
    OverCap,
}

/// <summary>
/// Rejection sampling's filter (DeepSeek-R1 §2.3.3): keep a sample only when it was not truncated, every reward with
/// a threshold reached it (correct, well formatted, language-consistent), its text is new for its prompt, and the
/// prompt has fewer than <see cref="MaxPerPrompt"/> samples kept.
/// </summary>
public sealed partial class RejectionFilter
{
    private readonly Dictionary<string, HashSet<string>> _seen = [];

    /// <summary>Minimum score per reward name; a reward without a score fails its threshold.</summary>
    public IReadOnlyDictionary<string, double> Thresholds { get; init; } = new Dictionary<string, double>();

    /// <summary>Keep samples that hit the token limit.</summary>
    public bool KeepTruncated { get; init; }

    /// <summary>Drop repeated texts of a prompt.</summary>
    public bool Deduplicate { get; init; } = true;

    /// <summary>Most samples kept per prompt.</summary>
    public int MaxPerPrompt { get; init; } = int.MaxValue;

    /// <summary>Decides one sample of prompt <paramref name="promptKey"/>; a kept sample counts towards its prompt's cap.</summary>
    public RejectionReason Judge(string promptKey, string text, bool truncated, RewardScores scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        if (truncated && !KeepTruncated) return RejectionReason.Truncated;
        foreach (var (name, threshold) in Thresholds)
            if (scores.Rewards.GetValueOrDefault(name) is not double score || score < threshold) return RejectionReason.BelowThreshold;
        if (!_seen.TryGetValue(promptKey, out var kept)) _seen[promptKey] = kept = [];
        if (kept.Count >= MaxPerPrompt) return RejectionReason.OverCap;
        string normalized = Deduplicate ? Whitespace().Replace(text.Trim(), " ") : kept.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return kept.Add(normalized) ? RejectionReason.None : RejectionReason.Duplicate;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
