using Forge.Contracts.Training;
using Forge.Core.Tests.Training;
using Forge.Core.Training;
using static TorchSharp.torch;

namespace Forge.Plugins.Ppo.Tests;

/// <summary>The <c>KlEstimator</c> option reaches the step: its <c>kl</c> metric is that estimator's, summed per row and averaged.</summary>
public class KlEstimatorOptionTests
{
    [Theory]
    [InlineData(KlEstimator.K1)]
    [InlineData(KlEstimator.K3)]
    public void The_step_penalises_with_the_configured_estimator(KlEstimator estimator)
    {
        using var model = new BigramModel(32, 8, 3);
        using var context = new TrainingContext(model, new TrainingOptions { LearningRate = 1e-2, MicroBatchSize = 4 });
        using (no_grad())
        {
            _ = context.Reference; // the frozen copy, before the policy is moved away from it
            var generator = new Generator().manual_seed(9);
            foreach (var parameter in model.parameters()) parameter.add_(randn(parameter.shape, generator: generator) * 0.5);
        }
        var rollout = TestRollouts.Build(4);
        double[] policy, reference, mask;
        using (no_grad())
        {
            policy = context.EvaluateWithoutGrad(context.Policy, rollout.Tokens).LogProbs.to(float64).contiguous().data<double>().ToArray();
            reference = context.EvaluateWithoutGrad(context.Reference, rollout.Tokens).LogProbs.to(float64).contiguous().data<double>().ToArray();
            mask = rollout.Tokens.CompletionMask.to(float64).contiguous().data<double>().ToArray();
        }

        var metrics = new PpoOptimizer(new PpoOptions { KlCoef = 0.1, KlEstimator = estimator, PpoEpochs = 1 }).Step(rollout, context);

        double total = 0;
        for (int i = 0; i < mask.Length; i++)
        {
            if (mask[i] == 0) continue;
            double logRatio = policy[i] - reference[i];
            total += estimator == KlEstimator.K1 ? logRatio : Math.Exp(-logRatio) + logRatio - 1;
        }
        double expected = total / rollout.Tokens.RowCount;
        Math.Abs(expected).Should().BeGreaterThan(1e-3, "the policy was moved away from the reference");
        metrics["kl"].Should().BeApproximately(expected, 1e-5 * Math.Max(1, Math.Abs(expected)));
    }
}
