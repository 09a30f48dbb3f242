using Forge.Contracts.Training;
using Forge.Core.Training;
using static TorchSharp.torch;

namespace Forge.Core.Tests.Training;

/// <summary>The contract helpers every optimizer uses (built-in or third-party), against the real training context.</summary>
public class TrainingContextExtensionsTests
{
    private static TokenBatch Batch()
    {
        var ids = tensor(new long[] { 1, 2, 3, 4, 5, 0, 6, 7, 8, 9, 3, 3, 4, 5, 6 }).view(3, 5);
        return new TokenBatch(ids, ones(3, 5, int64), 2, tensor(new float[] { 1, 1, 1, 1, 1, 0, 1, 0, 0 }).view(3, 3));
    }

    [Theory]
    [InlineData(2, 7, "0+2 2+2 4+2 6+1")]
    [InlineData(8, 7, "0+7")]
    [InlineData(0, 2, "0+1 1+1")]
    [InlineData(3, 0, "")]
    public void Micro_batches_cover_the_rows_in_order_with_at_most_the_micro_batch_size(int size, long rows, string expected)
    {
        using var model = new BigramModel(16, 8, 1);
        using var context = new TrainingContext(model, new TrainingOptions { MicroBatchSize = size });
        string.Join(" ", context.MicroBatches(rows).Select(r => $"{r.Start}+{r.Length}")).Should().Be(expected);
    }

    [Fact]
    public void Evaluation_without_grad_equals_one_full_evaluation_and_builds_no_graph()
    {
        using var model = new BigramModel(16, 8, 2);
        using var batch = Batch();
        using var context = new TrainingContext(model, new TrainingOptions { MicroBatchSize = 2 });

        var whole = context.Evaluate(model, batch, withEntropy: true, withHidden: true);
        var split = context.EvaluateWithoutGrad(model, batch, withEntropy: true, withHidden: true);

        whole.LogProbs.requires_grad.Should().BeTrue("the model is trainable");
        split.LogProbs.requires_grad.Should().BeFalse();
        split.LogProbs.allclose(whole.LogProbs.detach(), atol: 1e-6).Should().BeTrue();
        split.Entropy!.allclose(whole.Entropy!.detach(), atol: 1e-6).Should().BeTrue();
        split.Hidden!.shape.Should().Equal(3, 3, 8);
        context.EvaluateWithoutGrad(model, batch).Entropy.Should().BeNull();
    }

    [Fact]
    public void K3_is_zero_where_the_models_agree_positive_elsewhere_and_k1_is_the_log_ratio()
    {
        var policy = tensor(new double[] { -1.0, -2.0, -0.5 });
        var reference = tensor(new double[] { -1.0, -1.0, -1.5 });

        var k3 = KlEstimators.K3(policy, reference).data<double>().ToArray();
        k3[0].Should().Be(0);
        k3[1].Should().BeApproximately(Math.Exp(1) - 1 - 1, 1e-12);
        k3[2].Should().BeApproximately(Math.Exp(-1) + 1 - 1, 1e-12);
        KlEstimators.K1(policy, reference).data<double>().ToArray().Should().Equal(0.0, -1.0, 1.0);
    }

    [Fact]
    public void Step_totals_average_the_grad_norm_keep_the_last_rate_and_count_skips()
    {
        var totals = new OptimizerStepTotals();
        totals.Add(new OptimizerStepResult(true, 1.0, 0.1));
        totals.Add(new OptimizerStepResult(false, 5.0, 0.2));
        totals.Add(new OptimizerStepResult(true, 3.0, 0.3));
        var metrics = new Dictionary<string, double>();
        totals.WriteTo(metrics);

        metrics["skipped_updates"].Should().Be(1);
        metrics["learning_rate"].Should().Be(0.3);
        metrics["grad_norm"].Should().Be(3.0);
    }
}
