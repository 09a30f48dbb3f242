using Forge.Contracts.Training;

namespace Forge.Plugins.Ppo;

/// <summary>Per-token means of a PPO step's measurements, over every data-parallel rank's tokens.</summary>
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

    public Dictionary<string, double> Summary(ITrainingContext context)
    {
        // Each rank's loss is its share times WorldSize (its gradients are averaged): the batch's loss is their mean.
        var all = context.SumOverRanks(_loss / context.WorldSize, _policy, _value, _clipped, _entropy, _entropyTokens, _tokens);
        double tokens = Math.Max(1, all[6]);
        var summary = new Dictionary<string, double>
        {
            ["loss"] = _steps.Updates > 0 ? all[0] / _steps.Updates : 0,
            ["loss/policy"] = all[1] / tokens,
            ["loss/value"] = all[2] / tokens,
            ["clip_fraction"] = all[3] / tokens,
            ["entropy"] = all[5] > 0 ? all[4] / all[5] : 0,
        };
        _steps.WriteTo(summary);
        return summary;
    }
}
