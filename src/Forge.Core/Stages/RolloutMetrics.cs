using Forge.Contracts.Sampling;
using Forge.Core.Distributed;
using Forge.Core.Metrics;
using Forge.Core.Rewards;

namespace Forge.Core.Stages;

/// <summary>
/// An RL step's reward, length and throughput metrics over the whole step: over every rank's completions in a
/// data-parallel run (sums all-reduced; the standard deviation about the global mean; throughput over the slowest rank).
/// </summary>
internal static class RolloutMetrics
{
    public static void AddTo(IDictionary<string, double> metrics, ICommunicator communicator, List<(Completion Completion, RewardScores Scores)> all,
        IReadOnlyList<string> rewardNames, IReadOnlyDictionary<string, int> failed, int generated, double generateSeconds, double trainSeconds)
    {
        var local = new List<double>
        {
            all.Count, all.Sum(x => x.Scores.Total), all.Sum(x => x.Completion.TokenIds.Count), all.Count(x => x.Completion.Truncated), generated,
        };
        foreach (string name in rewardNames)
        {
            var values = all.Select(x => x.Scores.Rewards[name]).OfType<double>().ToList();
            local.AddRange([values.Count, values.Sum(), failed[name]]);
        }
        var sums = communicator.AllReduceValues(local.ToArray());
        double n = Math.Max(1, sums[0]), mean = sums[1] / n;
        double squares = communicator.AllReduceValues([all.Sum(x => (x.Scores.Total - mean) * (x.Scores.Total - mean))])[0];
        var slowest = communicator.AllReduceValues([all.Count == 0 ? 0 : all.Max(x => x.Completion.TokenIds.Count), generateSeconds, trainSeconds], ReduceOp.Max);

        metrics[RewardMetricKeys.Mean] = mean;
        metrics["reward/std"] = sums[0] < 2 ? 0 : Math.Sqrt(squares / (sums[0] - 1));
        for (int i = 0; i < rewardNames.Count; i++)
        {
            double count = sums[5 + 3 * i], sum = sums[6 + 3 * i];
            if (count > 0) metrics[RewardMetricKeys.MeanOf(rewardNames[i])] = sum / count;
            metrics[RewardMetricKeys.FailedOf(rewardNames[i])] = sums[7 + 3 * i]; // every completion scored in the step, refills included
        }
        metrics["completion/length_mean"] = sums[2] / n;
        metrics["completion/length_max"] = slowest[0];
        metrics["completion/truncated"] = sums[3] / n;
        metrics["generation/tokens_per_s"] = sums[4] / Math.Max(slowest[1], 1e-9);
        metrics["training/tokens_per_s"] = sums[2] / Math.Max(slowest[2], 1e-9);
    }
}
