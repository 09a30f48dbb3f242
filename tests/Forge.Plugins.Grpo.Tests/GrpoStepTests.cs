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
    private static Rollout Rollout(Device device)
    {
        var prompts = new List<IReadOnlyList<int>> { new[] { 5, 6, 7 }, new[] { 8, 9 } };
        var completions = new List<Completion>();
        for (int p = 0; p < 2; p++)
            for (int g = 0; g < 4; g++)
                completions.Add(new Completion(p, Enumerable.Range(10 + g, 3 + g % 2).ToArray(), [], "", g == 3));
        var batch = RolloutBuilder.Build(prompts, completions, 0, device);
        var rewards = tensor(new double[] { 1, 0, 0, 1, 0.5, 0, 1, 0 }).to(device);
        var truncated = tensor(completions.Select(c => c.Truncated).ToArray()).to(device);
        return new Rollout(batch, RolloutBuilder.OldLogProbs(completions, device), rewards, truncated, 4);
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

    [Fact]
    public void Masking_truncated_completions_removes_them_from_the_loss()
    {
        using var a = Context();
        using var b = Context();
        var masked = new GrpoOptimizer(new GrpoOptions { Beta = 0, MaskTruncatedCompletions = true }).Step(Rollout(CPU), a);
        var plain = new GrpoOptimizer(new GrpoOptions { Beta = 0 }).Step(Rollout(CPU), b);
        masked["loss"].Should().NotBe(plain["loss"]);
    }
}
