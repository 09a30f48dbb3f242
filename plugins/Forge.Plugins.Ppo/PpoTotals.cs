using Forge.Contracts.Training;

namespace Forge.Plugins.Ppo;

/// <summary>Per-token means of a PPO step's measurements.</summary>
internal sealed class PpoTotals
{
    private double _loss, _policy, _value, _clipped, _entropy, _entropyTokens, _tokens, _gradNorm, _learningRate;
    private int _updates, _skipped, _micro;

    public void Add(double loss, double policySum, double valueSum, double clippedCount, double? entropySum, double tokens)
    {
        _micro++;
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

    public void AddStep(OptimizerStepResult step)
    {
        _updates++;
        if (!step.Applied) _skipped++;
        _gradNorm += step.GradNorm;
        _learningRate = step.LearningRate;
    }

    public Dictionary<string, double> Summary()
    {
        double tokens = Math.Max(1, _tokens);
        return new Dictionary<string, double>
        {
            ["loss"] = _updates > 0 ? _loss / _updates : 0,
            ["loss/policy"] = _policy / tokens,
            ["loss/value"] = _value / tokens,
            ["clip_fraction"] = _clipped / tokens,
            ["entropy"] = _entropyTokens > 0 ? _entropy / _entropyTokens : 0,
            ["grad_norm"] = _updates > 0 ? _gradNorm / _updates : 0,
            ["learning_rate"] = _learningRate,
            ["skipped_updates"] = _skipped,
        };
    }
}
