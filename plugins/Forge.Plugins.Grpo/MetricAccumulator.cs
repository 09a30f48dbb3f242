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

    public Dictionary<string, double> Summary(int iterations)
    {
        double tokens = Math.Max(1, _tokens);
        var summary = new Dictionary<string, double>
        {
            ["loss"] = _loss / iterations,
            ["kl"] = _kl / tokens,
            ["clip_ratio/low"] = _clipLow / tokens,
            ["clip_ratio/high"] = _clipHigh / tokens,
            ["clip_ratio/region"] = (_clipLow + _clipHigh) / tokens,
            ["entropy"] = _entropyTokens > 0 ? _entropy / _entropyTokens : 0,
        };
        _steps.WriteTo(summary);
        return summary;
    }
}
