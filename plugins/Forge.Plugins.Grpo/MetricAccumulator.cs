using Forge.Contracts.Training;

namespace Forge.Plugins.Grpo;

/// <summary>Sums a step's per-micro-batch measurements into per-token means.</summary>
internal sealed class MetricAccumulator
{
    private readonly OptimizerStepTotals _steps = new();
    private double _loss, _kl, _clipLow, _clipHigh, _tokens, _entropy, _entropyTokens;

    public void Add(GrpoLossResult result, double loss, double? entropySum)
    {
        _loss += loss;
        _kl += result.KlSum;
        _clipLow += result.ClipLowCount;
        _clipHigh += result.ClipHighCount;
        _tokens += result.ActiveTokens;
        if (entropySum is double e)
        {
            _entropy += e;
            _entropyTokens += result.ActiveTokens;
        }
    }

    public void AddStep(OptimizerStepResult step) => _steps.Add(step);

    /// <summary>The step's means over the whole batch: every data-parallel rank's sums together.</summary>
    public Dictionary<string, double> Summary(int iterations, ITrainingContext context)
    {
        // Each rank's loss is its share scaled by the ranks (gradients are averaged), so the batch's is their mean.
        var all = context.SumOverRanks(_loss / context.WorldSize, _kl, _clipLow, _clipHigh, _tokens, _entropy, _entropyTokens);
        double tokens = Math.Max(1, all[4]);
        var summary = new Dictionary<string, double>
        {
            ["loss"] = all[0] / iterations,
            ["kl"] = all[1] / tokens,
            ["clip_ratio/low"] = all[2] / tokens,
            ["clip_ratio/high"] = all[3] / tokens,
            ["clip_ratio/region"] = (all[2] + all[3]) / tokens,
            ["entropy"] = all[6] > 0 ? all[5] / all[6] : 0,
        };
        _steps.WriteTo(summary);
        return summary;
    }
}
