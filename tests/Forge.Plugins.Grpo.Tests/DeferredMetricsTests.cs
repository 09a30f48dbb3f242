using Forge.Contracts.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Forge.Plugins.Grpo.Tests;

/// <summary>
/// The step's metrics are summed on the device and read once: they must equal, bit for bit, the sums of the values
/// read back micro-batch by micro-batch (<see cref="GrpoLoss.Compute"/>).
/// </summary>
public class DeferredMetricsTests
{
    [Fact]
    public void Metrics_summed_on_the_device_equal_the_per_micro_batch_reads()
    {
        var options = new GrpoOptions { Beta = 0.04, EpsilonLow = 0.05, EpsilonHigh = 0.05, LossType = GrpoLossType.Grpo };
        var generator = manual_seed(7);
        var totals = new BatchTotals(9, 30, 5, 3);
        using var accumulator = new MetricAccumulator();
        double loss = 0, kl = 0, clipLow = 0, clipHigh = 0, tokens = 0, entropy = 0, entropyTokens = 0;
        for (int micro = 0; micro < 3; micro++)
        {
            using var scope = NewDisposeScope();
            var logProbs = -rand(3, 5, generator: generator) - 0.1;
            var old = logProbs + 0.2 * randn(3, 5, generator: generator);
            var reference = logProbs + 0.3 * randn(3, 5, generator: generator);
            var advantages = randn(3, generator: generator);
            var mask = (rand(3, 5, generator: generator) > 0.3).to(float32);
            var entropies = rand(3, 5, generator: generator);

            var read = GrpoLoss.Compute(logProbs, old, reference, advantages, mask, options, totals);
            loss += read.Loss.ToDouble();
            kl += read.KlSum;
            clipLow += read.ClipLowCount;
            clipHigh += read.ClipHighCount;
            tokens += read.ActiveTokens;
            bool withEntropy = micro != 1; // as μ > 1: entropy measured on some passes only
            if (withEntropy)
            {
                entropy += (entropies * mask).sum().ToDouble();
                entropyTokens += read.ActiveTokens;
            }

            var (deviceLoss, measures) = GrpoLoss.ComputeOnDevice(logProbs, old, reference, advantages, mask, options, totals);
            accumulator.Add(deviceLoss, measures, withEntropy ? (entropies * mask).sum() : null);
        }
        clipLow.Should().BeGreaterThan(0);
        clipHigh.Should().BeGreaterThan(0);

        accumulator.AddStep(new OptimizerStepResult(true, 0.5, 1e-3));
        using var context = new TableTrainingContext(new double[1, 1], new double[1, 1], microBatchSize: 1); // one rank
        var summary = accumulator.Summary(iterations: 1, context);
        summary["loss"].Should().Be(loss);
        summary["kl"].Should().Be(kl / tokens);
        summary["clip_ratio/low"].Should().Be(clipLow / tokens);
        summary["clip_ratio/high"].Should().Be(clipHigh / tokens);
        summary["clip_ratio/region"].Should().Be((clipLow + clipHigh) / tokens);
        summary["entropy"].Should().Be(entropy / entropyTokens);
        summary["grad_norm"].Should().Be(0.5);
    }
}
