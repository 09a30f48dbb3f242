using Forge.Contracts.Training;
using static TorchSharp.torch;

namespace Forge.Plugins.Grpo;

/// <summary>
/// Sums a step's per-micro-batch measurements into per-token means. The sums stay on the device (float64, the same
/// additions the host would make) and are read back once, in <see cref="Summary"/>: a read per micro-batch would
/// make the CPU wait for that micro-batch's backward pass before it could queue the next forward pass.
/// </summary>
internal sealed class MetricAccumulator : IDisposable
{
    private const int Loss = 0, Kl = 1, ClipLow = 2, ClipHigh = 3, Tokens = 4, Entropy = 5, EntropyTokens = 6;
    private readonly OptimizerStepTotals _steps = new();
    private Tensor? _sums;

    /// <summary>
    /// Adds a micro-batch: its loss, its <see cref="GrpoLoss.ComputeOnDevice"/> measurements and, when measured, the
    /// masked sum of its entropies (all without reading them).
    /// </summary>
    public void Add(Tensor loss, Tensor measures, Tensor? entropySum)
    {
        using var scope = NewDisposeScope();
        var active = measures[3];
        var entropy = entropySum is null ? zeros_like(active) : entropySum.detach().to(float64);
        var row = cat([loss.detach().to(float64).reshape(1), measures, stack([entropy, entropySum is null ? zeros_like(active) : active])]);
        if (_sums is null) _sums = row.DetachFromDisposeScope();
        else _sums.add_(row);
    }

    public void AddStep(OptimizerStepResult step) => _steps.Add(step);

    /// <summary>
    /// The step's means over the whole batch: every data-parallel rank's sums together. Reads the device sums once.
    /// </summary>
    public Dictionary<string, double> Summary(int iterations, ITrainingContext context)
    {
        var sums = _sums is null ? new double[EntropyTokens + 1] : _sums.cpu().data<double>().ToArray();
        // Each rank's loss is its share scaled by the ranks (gradients are averaged), so the batch's is their mean.
        var all = context.SumOverRanks(sums[Loss] / context.WorldSize, sums[Kl], sums[ClipLow], sums[ClipHigh], sums[Tokens],
            sums[Entropy], sums[EntropyTokens]);
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

    public void Dispose() => _sums?.Dispose();
}
