using System.Globalization;
using Forge.Core.Pipelines;

namespace Forge.Core.Reports;

/// <summary>
/// A stage's headline number, as the table after <c>forge run</c> and the report's stage table show it: the mean reward
/// of a stage that scores with rewards, else the samples kept, else the loss.
/// </summary>
public static class StageHeadline
{
    /// <summary><c>reward 0.281</c>, <c>kept 42 of 128 samples</c>, <c>loss 0.4123</c>, or empty.</summary>
    public static string Of(StageSummary stage)
    {
        ArgumentNullException.ThrowIfNull(stage);
        var m = stage.Metrics;
        if (m.TryGetValue(Metrics.RewardMetricKeys.Mean, out double reward)) return $"reward {Number(reward, "0.###")}";
        if (m.TryGetValue("kept", out double kept)) return string.Create(CultureInfo.InvariantCulture, $"kept {kept:0} of {m.GetValueOrDefault("sampled"):0} samples");
        if (m.TryGetValue("loss", out double loss)) return $"loss {Number(loss, "0.####")}";
        return "";
    }

    private static string Number(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
