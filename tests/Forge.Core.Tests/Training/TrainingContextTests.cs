using Forge.Contracts.Training;
using Forge.Core.Training;
using static TorchSharp.torch;

namespace Forge.Core.Tests.Training;

public class TrainingContextTests
{
    private static TokenBatch Batch()
    {
        var ids = tensor(new long[] { 1, 2, 3, 4, 5, 0, 6, 7, 8, 9 }).view(2, 5);
        return new TokenBatch(ids, ones(2, 5, int64), 2, tensor(new float[] { 1, 1, 1, 1, 1, 0 }).view(2, 3));
    }

    [Fact]
    public void Chunked_log_probs_equal_a_full_log_softmax()
    {
        using var model = new BigramModel(16, 8, 1);
        using var batch = Batch();
        var chunked = SequenceEvaluator.Evaluate(model, batch, temperature: 0.7, chunk: 2, withEntropy: true, withHidden: true);

        var logits = model.Logits(model.Hidden(batch.InputIds)).narrow(1, 1, 3) / 0.7;
        var full = logits.log_softmax(-1).gather(-1, batch.InputIds.narrow(1, 2, 3).unsqueeze(-1)).squeeze(-1);
        var entropy = -(logits.softmax(-1) * logits.log_softmax(-1)).sum(-1);

        chunked.LogProbs.allclose(full, atol: 1e-5).Should().BeTrue();
        chunked.Entropy!.allclose(entropy, atol: 1e-5).Should().BeTrue();
        chunked.Hidden!.shape.Should().Equal(2, 3, 8);
    }

    [Fact]
    public void A_step_lowers_the_loss_and_a_non_finite_loss_is_skipped_then_stops_the_run()
    {
        using var model = new BigramModel(16, 8, 2);
        using var batch = Batch();
        using var context = new TrainingContext(model, new TrainingOptions { LearningRate = 0.05, MaxNonFiniteSteps = 2 });
        double Loss() => -context.Evaluate(model, batch).LogProbs.sum().item<float>();

        double before = Loss();
        context.Backward(-context.Evaluate(model, batch).LogProbs.sum());
        context.OptimizerStep().Applied.Should().BeTrue();
        Loss().Should().BeLessThan(before);
        context.StepNumber.Should().Be(1);

        context.Backward(tensor(float.NaN));
        var skipped = context.OptimizerStep();
        skipped.Applied.Should().BeFalse();
        context.StepNumber.Should().Be(1);
        context.SkippedUpdates.Should().Be(1);

        context.Backward(tensor(float.PositiveInfinity));
        var act = () => context.OptimizerStep();
        act.Should().Throw<ForgeDataException>().WithMessage("*2 updates in a row*non-finite*");
    }

    [Fact]
    public void Without_clipping_the_reported_grad_norm_is_the_norm_of_all_gradients()
    {
        using var model = new BigramModel(16, 8, 4);
        using var batch = Batch();
        using var context = new TrainingContext(model, new TrainingOptions { LearningRate = 0.05, MaxGradNorm = 0 });
        context.Backward(-context.Evaluate(model, batch).LogProbs.sum());
        double expected = Math.Sqrt(model.parameters().Where(p => p.grad is not null)
            .Sum(p => p.grad!.to(float64).square().sum().item<double>()));

        context.OptimizerStep().GradNorm.Should().BeApproximately(expected, 1e-12).And.BeGreaterThan(0);
    }

    [Fact]
    public void Reference_is_a_frozen_copy_until_synced()
    {
        using var model = new BigramModel(16, 8, 3);
        using var batch = Batch();
        using var context = new TrainingContext(model, new TrainingOptions { LearningRate = 0.1 });
        var referenceBefore = context.Evaluate(context.Reference, batch).LogProbs.clone();
        context.Backward(-context.Evaluate(model, batch).LogProbs.sum());
        context.OptimizerStep();

        context.Evaluate(context.Reference, batch).LogProbs.allclose(referenceBefore).Should().BeTrue();
        context.Reference.Module.parameters().Should().AllSatisfy(p => p.requires_grad.Should().BeFalse());
        context.SyncReference();
        context.Evaluate(context.Reference, batch).LogProbs.allclose(context.Evaluate(model, batch).LogProbs).Should().BeTrue();
    }

    [Theory]
    [InlineData(LearningRateSchedule.Cosine, 0, 0.25)]
    [InlineData(LearningRateSchedule.Cosine, 2, 1.0)]
    [InlineData(LearningRateSchedule.Cosine, 8, 0.5)]
    [InlineData(LearningRateSchedule.Cosine, 13, 0.0)]
    [InlineData(LearningRateSchedule.Linear, 8, 0.5)]
    [InlineData(LearningRateSchedule.Constant, 11, 1.0)]
    public void Learning_rate_warms_up_then_decays(LearningRateSchedule schedule, int step, double expected)
    {
        var options = new TrainingOptions { LearningRate = 1.0, WarmupSteps = 3, TotalSteps = 13, Schedule = schedule };
        // Warm-up: (step + 1) / (warmup + 1); then decay over steps 3..13.
        if (step < 3) expected = (step + 1) / 4.0;
        LearningRate.At(options, step).Should().BeApproximately(expected, 1e-9);
    }
}
