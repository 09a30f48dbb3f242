using System.Globalization;
using Forge.Core.Metrics;
using Forge.Core.Stages;

namespace Forge.Host.Progress;

/// <summary>The words both displays use: a stage's headline numbers and durations.</summary>
internal static class ProgressText
{
    /// <summary>
    /// The numbers shown while a stage runs, when the record has them: the reward and each reward's mean (by the
    /// reward's name, in the record's order: whatever rewards the stage uses), else the loss; samples kept; pass@1.
    /// e.g. <c>reward 0.281  accuracy 0.266  format 0.9</c>; RL records carry a loss too, but the reward says more.
    /// </summary>
    public static string Metrics(IReadOnlyDictionary<string, double> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var parts = new List<string>();
        void Show(string key, string label)
        {
            if (metrics.TryGetValue(key, out double value)) parts.Add(string.Create(CultureInfo.InvariantCulture, $"{label} {value:0.###}"));
        }
        Show(RewardMetricKeys.Mean, "reward");
        foreach (string key in RewardMetricKeys.In(metrics.Keys)) Show(key, RewardMetricKeys.RewardOf(key)!);
        if (!metrics.ContainsKey(RewardMetricKeys.Mean)) Show("loss", "loss");
        if (metrics.TryGetValue("kept", out double kept) && metrics.TryGetValue("sampled", out double sampled))
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"kept {kept:0} of {sampled:0}"));
        else Show("kept", "kept");
        Show(StageEvaluation.PassAt1Key, "pass@1");
        return string.Join("  ", parts);
    }

    /// <summary><c>1m12s</c>, <c>8s</c>.</summary>
    public static string Duration(TimeSpan span) => span.TotalMinutes >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalMinutes}m{span.Seconds:00}s")
        : string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0, (int)Math.Round(span.TotalSeconds))}s");

    /// <summary><c>eta 1m12s</c>, or <c>eta …</c> while the pace is unknown.</summary>
    public static string Eta(TimeSpan? remaining) => remaining is { } left ? $"eta {Duration(left)}" : "eta …";
}
