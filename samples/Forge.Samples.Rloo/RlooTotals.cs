using Forge.Contracts.Training;

namespace Forge.Samples.Rloo;

/// <summary>Sums an RLOO step's per-micro-batch measurements into its metrics.</summary>
internal sealed class RlooTotals
{
    private double _loss, _policy, _kl, _entropy, _tokens, _sequenceLogProb;

    /// <summary>The step's optimizer updates (grad_norm, learning_rate, skipped_updates).</summary>
    public OptimizerStepTotals Steps { get; } = new();

    public void Add(double loss, double policyLoss, double klSum, double entropySum, double tokens, double sequenceLogProbSum)
    {
        _loss += loss;
        _policy += policyLoss;
        _kl += klSum;
        _entropy += entropySum;
        _tokens += tokens;
        _sequenceLogProb += sequenceLogProbSum;
    }

    /// <summary>Losses as the batch's, KL as the mean per completion, entropy per token.</summary>
    public Dictionary<string, double> Summary(long rows)
    {
        var metrics = new Dictionary<string, double>
        {
            ["loss"] = _loss,
            ["loss/policy"] = _policy,
            ["kl"] = _kl / Math.Max(1, rows),
            ["entropy"] = _entropy / Math.Max(1, _tokens),
            ["logprob/sequence_mean"] = _sequenceLogProb / Math.Max(1, rows),
        };
        Steps.WriteTo(metrics);
        return metrics;
    }
}
