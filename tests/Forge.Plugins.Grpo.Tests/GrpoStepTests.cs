using Forge.Contracts.Sampling;
using Forge.Contracts.Training;
using Forge.Core.Checkpoints;
using Forge.Core.Training;
using Forge.Plugins.Grpo;
using TorchSharp;
using static TorchSharp.torch;

namespace Forge.Plugins.Grpo.Tests;

/// <summary>The optimizer driven through the real training context on the small Qwen2 fixture model.</summary>
public class GrpoStepTests
{
    // Two prompts × four completions: lengths 3, 4, 3, 4 in each group; the fourth of each group hit the length limit.
    private static readonly int[] Lengths = [3, 4, 3, 4, 3, 4, 3, 4];
    private static readonly bool[] Truncated = [false, false, false, true, false, false, false, true];
    private static readonly double[] Rewards = [1, 0, 0, 1, 0.5, 0, 1, 0];

    private static Rollout Rollout(Device device, int maxCompletionLength = 0)
    {
        var prompts = new List<IReadOnlyList<int>> { new[] { 5, 6, 7 }, new[] { 8, 9 } };
        var completions = new List<Completion>();
        for (int p = 0; p < 2; p++)
            for (int g = 0; g < 4; g++)
                completions.Add(new Completion(p, Enumerable.Range(10 + g, Lengths[p * 4 + g]).ToArray(), [], "", Truncated[p * 4 + g]));
        var batch = RolloutBuilder.Build(prompts, completions, 0, device);
        var rewards = tensor(Rewards).to(device);
        var truncated = tensor(completions.Select(c => c.Truncated).ToArray()).to(device);
        return new Rollout(batch, RolloutBuilder.OldLogProbs(completions, device), rewards, truncated, 4) { MaxCompletionLength = maxCompletionLength };
    }

    /// <summary>The float64 loss of <see cref="Rollout"/> at ratio 1 and β 0 (per token −A), by <see cref="ReferenceGrpo"/>.</summary>
    private static double ReferenceLoss(GrpoLossType lossType, bool maskTruncated, int maxCompletionLength)
    {
        var advantages = ReferenceGrpo.Advantages(Rewards, [.. Rewards.Select(_ => true)], 4, ScaleRewards.Group);
        var mask = ReferenceGrpo.Mask(Lengths, maskTruncated ? Truncated : new bool[Lengths.Length]);
        var logProbs = new double[mask.GetLength(0), mask.GetLength(1)];
        return ReferenceGrpo.LossAndGradient(advantages, mask, logProbs, logProbs, 0, lossType, maxCompletionLength, microBatchSize: 3).Loss;
    }

    private static TrainingContext Context(double lr = 1e-2) =>
        new(CheckpointLoader.Load(Path.Combine(AppContext.BaseDirectory, "TestData", "models", "qwen2"), CPU, ScalarType.Float32),
            new TrainingOptions { LearningRate = lr, MicroBatchSize = 3 });

    [Fact]
    public void Beta_zero_never_loads_a_reference_and_one_iteration_has_ratio_one()
    {
        using var context = Context();
        var metrics = new GrpoOptimizer(new GrpoOptions { Beta = 0 }).Step(Rollout(CPU), context);
        context.HasReference.Should().BeFalse();
        context.StepNumber.Should().Be(1);
        metrics["clip_ratio/region"].Should().Be(0, "with μ = 1 the ratio is exactly 1");
        metrics["kl"].Should().Be(0);
    }

    [Fact]
    public void Several_iterations_update_several_times_against_the_old_policy_and_clip()
    {
        using var context = Context(lr: 5e-2);
        var metrics = new GrpoOptimizer(new GrpoOptions { Beta = 0.04, NumIterations = 3, EpsilonLow = 0.01, EpsilonHigh = 0.01 }).Step(Rollout(CPU), context);
        context.StepNumber.Should().Be(3);
        metrics["clip_ratio/region"].Should().BeGreaterThan(0, "later iterations move the ratio beyond 1 ± 0.01");
        metrics["kl"].Should().BeGreaterThan(0);
    }

    [Fact]
    public void Reference_sync_copies_the_policy_into_the_reference()
    {
        using var context = Context();
        using var tokens = Rollout(CPU).Tokens;
        new GrpoOptimizer(new GrpoOptions { Beta = 0.04, RefSyncSteps = 1 }).Step(Rollout(CPU), context);
        using var noGrad = no_grad();
        context.Evaluate(context.Reference, tokens).LogProbs.allclose(context.Evaluate(context.Policy, tokens).LogProbs).Should().BeTrue();
    }

    [Theory]
    [InlineData(GrpoLossType.Grpo)]
    [InlineData(GrpoLossType.Bnpo)]
    [InlineData(GrpoLossType.DrGrpo)]
    [InlineData(GrpoLossType.Dapo)]
    public void Masking_truncated_completions_removes_exactly_their_tokens_from_the_loss(GrpoLossType lossType)
    {
        using var context = Context();
        var metrics = new GrpoOptimizer(new GrpoOptions { Beta = 0, LossType = lossType, MaskTruncatedCompletions = true }).Step(Rollout(CPU, 8), context);
        metrics["loss"].Should().BeApproximately(ReferenceLoss(lossType, maskTruncated: true, 8), 1e-6);
        ReferenceLoss(lossType, maskTruncated: true, 8).Should().NotBeApproximately(ReferenceLoss(lossType, maskTruncated: false, 8), 1e-3,
            "the case must tell masked from unmasked");
    }

    [Fact]
    public void Dr_grpo_divides_by_rows_times_the_configured_limit_not_the_longest_completion()
    {
        using var context = Context();
        var metrics = new GrpoOptimizer(new GrpoOptions { Beta = 0, LossType = GrpoLossType.DrGrpo }).Step(Rollout(CPU, 10), context);
        // The longest completion has 4 tokens; the configured limit is 10.
        metrics["loss"].Should().BeApproximately(ReferenceLoss(GrpoLossType.DrGrpo, maskTruncated: false, 10), 1e-6);
    }
}
