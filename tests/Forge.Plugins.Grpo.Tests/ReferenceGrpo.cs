using Forge.Plugins.Grpo;

namespace Forge.Plugins.Grpo.Tests;

/// <summary>
/// GRPO written out as plain float64 loops, the way TRL's GRPOTrainer defines it, for one update per batch (the ratio
/// is exactly 1, so the clipped surrogate of a token is −A and its gradient −A): the independent reference the
/// optimizer's <c>Step</c> is checked against. It shares no code with the plugin.
/// </summary>
internal static class ReferenceGrpo
{
    /// <summary>
    /// Group-relative advantages over the scored rows only (TRL's nanmean/nanstd over a group whose unscored rewards are
    /// NaN); an unscored row, and every row of a group with fewer than two scored rows, gets 0 (TRL's nan_to_num).
    /// </summary>
    public static double[] Advantages(double[] rewards, bool[] scored, int groupSize, ScaleRewards scale)
    {
        var advantages = new double[rewards.Length];
        double batchStd = Std(rewards.Where((_, i) => scored[i]).ToList());
        for (int start = 0; start < rewards.Length; start += groupSize)
        {
            var members = Enumerable.Range(start, groupSize).Where(i => scored[i]).ToList();
            if (members.Count < 2) continue;
            double mean = members.Average(i => rewards[i]);
            double std = Std(members.Select(i => rewards[i]).ToList());
            foreach (int i in members)
                advantages[i] = scale switch
                {
                    ScaleRewards.Group => (rewards[i] - mean) / (std + 1e-4),
                    ScaleRewards.Batch => (rewards[i] - mean) / (batchStd + 1e-4),
                    _ => rewards[i] - mean,
                };
        }
        return advantages;
    }

    /// <summary>Sample standard deviation (n − 1); NaN for fewer than two values.</summary>
    public static double Std(IReadOnlyList<double> values)
    {
        if (values.Count < 2) return double.NaN;
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }

    /// <summary>The batch loss and its gradient [rows, T] with respect to the policy's log-probs, at ratio 1.</summary>
    /// <param name="advantages">One per row.</param>
    /// <param name="mask">[rows, T] 1 where a token is trained on (truncated rows already zeroed when masked).</param>
    /// <param name="logProbs">[rows, T] the policy's log-probs.</param>
    /// <param name="refLogProbs">[rows, T] the reference's log-probs (used when <paramref name="beta"/> is not 0).</param>
    /// <param name="maxCompletionLength">Dr. GRPO's constant.</param>
    /// <param name="microBatchSize">Rows per micro-batch (bnpo normalises per micro-batch).</param>
    public static (double Loss, double[,] Gradient) LossAndGradient(double[] advantages, double[,] mask, double[,] logProbs,
        double[,] refLogProbs, double beta, GrpoLossType lossType, int maxCompletionLength, int microBatchSize)
    {
        int rows = mask.GetLength(0), width = mask.GetLength(1);
        int microBatches = (rows + microBatchSize - 1) / microBatchSize;
        double batchTokens = 0;
        foreach (double m in mask) batchTokens += m;
        double loss = 0;
        var gradient = new double[rows, width];
        for (int r = 0; r < rows; r++)
        {
            double rowTokens = 0, microTokens = 0;
            for (int t = 0; t < width; t++) rowTokens += mask[r, t];
            int first = r / microBatchSize * microBatchSize;
            for (int q = first; q < Math.Min(rows, first + microBatchSize); q++)
                for (int t = 0; t < width; t++) microTokens += mask[q, t];
            double normaliser = lossType switch
            {
                GrpoLossType.Grpo => rows * Math.Max(1, rowTokens),
                GrpoLossType.Bnpo => Math.Max(1, microTokens) * microBatches,
                GrpoLossType.DrGrpo => (double)rows * maxCompletionLength,
                _ => Math.Max(1, batchTokens),
            };
            for (int t = 0; t < width; t++)
            {
                double delta = refLogProbs[r, t] - logProbs[r, t];
                double term = -advantages[r] + beta * (Math.Exp(delta) - delta - 1);
                double slope = -advantages[r] + beta * (1 - Math.Exp(delta));
                loss += mask[r, t] * term / normaliser;
                gradient[r, t] = mask[r, t] * slope / normaliser;
            }
        }
        return (loss, gradient);
    }

    /// <summary>[rows, T] 1 for the first length[r] tokens of row r, 0 after, and 0 for a masked row.</summary>
    public static double[,] Mask(int[] lengths, bool[] maskedRows)
    {
        var mask = new double[lengths.Length, Math.Max(1, lengths.Max())];
        for (int r = 0; r < lengths.Length; r++)
            for (int t = 0; t < lengths[r]; t++)
                mask[r, t] = maskedRows[r] ? 0 : 1;
        return mask;
    }
}
