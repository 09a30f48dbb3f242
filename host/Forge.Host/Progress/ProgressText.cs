using System.Globalization;

namespace Forge.Host.Progress;

/// <summary>The words both displays use: a stage's headline numbers and durations.</summary>
internal static class ProgressText
{
    /// <summary>Metrics shown while a stage runs, in this order, when the record has them.</summary>
    private static readonly (string Key, string Label)[] Shown =
    [
        ("reward/mean", "reward"), ("reward/accuracy/mean", "accuracy"), ("loss", "loss"), ("kept", "kept"), ("eval/pass_at_1", "pass@1"),
    ];

    /// <summary>e.g. <c>reward 0.281  accuracy 0.266</c>; RL records carry a loss too, but reward says more.</summary>
    public static string Metrics(IReadOnlyDictionary<string, double> metrics)
    {
        var parts = new List<string>();
        foreach (var (key, label) in Shown)
        {
            if (!metrics.TryGetValue(key, out double value)) continue;
            if (key == "loss" && metrics.ContainsKey("reward/mean")) continue;
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{label} {value:0.###}"));
        }
        return string.Join("  ", parts);
    }

    /// <summary><c>1m12s</c>, <c>8s</c>.</summary>
    public static string Duration(TimeSpan span) => span.TotalMinutes >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalMinutes}m{span.Seconds:00}s")
        : string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0, (int)Math.Round(span.TotalSeconds))}s");

    /// <summary>Remaining time if the steps left take as long as those done.</summary>
    public static TimeSpan Eta(TimeSpan elapsed, int done, int total) =>
        done <= 0 || total <= done ? TimeSpan.Zero : elapsed * ((total - done) / (double)done);
}
