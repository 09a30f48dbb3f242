namespace Forge.Core.Metrics;

/// <summary>
/// How a stage names reward metrics — <c>reward/mean</c> for the weighted total, <c>reward/&lt;name&gt;/mean</c> for
/// each reward plugin and <c>reward/&lt;name&gt;/failed</c> for the completions it failed on — so that displays and the
/// report can show every reward a run has without knowing any by name.
/// </summary>
public static class RewardMetricKeys
{
    private const string Prefix = "reward/", Suffix = "/mean", FailedSuffix = "/failed";

    /// <summary>The weighted total's mean: the headline of a stage that scores with rewards.</summary>
    public const string Mean = "reward/mean";

    /// <summary>The key of one reward's mean, <c>reward/&lt;name&gt;/mean</c>.</summary>
    public static string MeanOf(string reward) => Prefix + reward + Suffix;

    /// <summary>
    /// The key of the number of completions one reward failed on (threw, or timed out) and so left unscored,
    /// <c>reward/&lt;name&gt;/failed</c>: a count of completions, recorded for every reward, 0 when none failed.
    /// </summary>
    public static string FailedOf(string reward) => Prefix + reward + FailedSuffix;

    /// <summary>The reward a key is the mean of (<c>reward/my-reward/mean</c> → <c>my-reward</c>), or null for any other key.</summary>
    public static string? RewardOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.Length > Prefix.Length + Suffix.Length && key.StartsWith(Prefix, StringComparison.Ordinal) && key.EndsWith(Suffix, StringComparison.Ordinal)
            ? key[Prefix.Length..^Suffix.Length]
            : null;
    }

    /// <summary>The per-reward mean keys among <paramref name="keys"/>, each once, in the order first seen.</summary>
    public static IReadOnlyList<string> In(IEnumerable<string> keys) => keys.Where(k => RewardOf(k) is not null).Distinct(StringComparer.Ordinal).ToList();
}
