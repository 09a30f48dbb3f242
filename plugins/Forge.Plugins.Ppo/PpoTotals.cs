using Forge.Contracts.Training;

namespace Forge.Plugins.Ppo;

/// <summary>Per-token means of a PPO step's measurements.</summary>
internal sealed class PpoTotals
{
    private readonly OptimizerStepTotals _steps = new();
    private double _loss, _policy, _value, _clipped, _entropy, _entropyTokens, _tokens;

    public void Add(double loss, double policySum, double valueSum, double clippedCount, double? entropySum, double tokens)
    {
        _loss += loss;
        _policy += policySum;
        _value += valueSum;
        _clipped += clippedCount;
        _tokens += tokens;
        if (entropySum is double e)
        {
            _entropy += e;
            _entropyTokens += tokens;
        }
    }

    public void AddStep(OptimizerStepResult step) => _steps.Add(step);

    public Dictionary<string, double> Summary()
    {
        double tokens = Math.Max(1, _tokens);
        var summary = new Dictionary<string, double>
        {
            ["loss"] = _steps.Updates > 0 ? _loss / _steps.Updates : 0,
            ["loss/policy"] = _policy / tokens,
            ["loss/value"] = _value / tokens,
            ["clip_fraction"] = _clipped / tokens,
            ["entropy"] = _entropyTokens > 0 ? _entropy / _entropyTokens : 0,
        };
        _steps.WriteTo(summary);
        return summary;
    }
}
