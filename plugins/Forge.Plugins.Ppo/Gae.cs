using TorchSharp;
using static TorchSharp.torch;

namespace Forge.Plugins.Ppo;

/// <summary>Generalised advantage estimation over per-token rewards and values, with right-padded masks.</summary>
public static class Gae
{
    /// <summary>
    /// Advantages and returns [B, T]. Positions where <paramref name="mask"/> is 0 get no reward and no value, so the
    /// last real token bootstraps from 0 (the episode ends there).
    /// </summary>
    public static (Tensor Advantages, Tensor Returns) Compute(Tensor rewards, Tensor values, Tensor mask, double gamma, double lambda)
    {
        using var scope = NewDisposeScope();
        var r = rewards * mask;
        var v = values * mask;
        long steps = r.size(1);
        var last = zeros_like(r.select(1, 0));
        var columns = new Tensor[steps];
        for (long t = steps - 1; t >= 0; t--)
        {
            var next = t + 1 < steps ? v.select(1, t + 1) : zeros_like(last);
            var delta = r.select(1, t) + gamma * next - v.select(1, t);
            last = delta + gamma * lambda * last;
            columns[t] = last;
        }
        var advantages = stack(columns, 1) * mask;
        var returns = advantages + v;
        return (advantages.MoveToOuterDisposeScope(), returns.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// (x − mean) / sqrt(var + 1e-8) over the unmasked entries, the unbiased variance; masked entries stay 0. With
    /// <paramref name="sumOverRanks"/> (<c>ITrainingContext.SumOverRanks</c>) the mean and variance are every
    /// data-parallel rank's entries together, as one process holding the whole batch would whiten them; without it, this
    /// process's alone (the same arithmetic).
    /// </summary>
    public static Tensor Whiten(Tensor x, Tensor mask, Func<double[], double[]>? sumOverRanks = null)
    {
        using var scope = NewDisposeScope();
        sumOverRanks ??= values => values;
        var local = stack([mask.sum(), (x * mask).sum()]).to(float64).cpu().data<double>().ToArray();
        var sums = sumOverRanks(local);
        double n = Math.Max(1, sums[0]), mean = sums[1] / n;
        double squares = sumOverRanks([((x - mean).square() * mask).sum().to(float64).ToDouble()])[0];
        double variance = squares / Math.Max(1, n - 1);
        return ((x - mean) * (1.0 / Math.Sqrt(variance + 1e-8)) * mask).to(x.dtype).MoveToOuterDisposeScope();
    }
}
