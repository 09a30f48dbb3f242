using Forge.Contracts.Training;
using Forge.Core.Models;
using Forge.Core.Tests.Models;
using Forge.Core.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Forge.Core.Tests.Training;

public class MasterWeightTests
{
    [Fact]
    public void Bfloat16_weights_train_through_float32_masters_so_tiny_updates_accumulate()
    {
        using var model = ModelFixtures.Load("qwen2", ScalarType.BFloat16);
        var before = model.norm.weight.to(ScalarType.Float32).clone();
        using var context = new TrainingContext(model, new TrainingOptions { LearningRate = 1e-4, MaxGradNorm = 0 });
        using var batch = new TokenBatch(tensor(new long[] { 5, 6, 7, 8, 9, 10 }).view(1, 6), ones(1, 6, ScalarType.Int64), 2, ones(1, 4));
        for (int i = 0; i < 5; i++)
        {
            context.Backward(-context.Evaluate(model, batch).LogProbs.sum());
            context.OptimizerStep().Applied.Should().BeTrue();
        }

        context.MasterWeights.Should().NotBeEmpty().And.AllSatisfy(m => m.dtype.Should().Be(ScalarType.Float32));
        model.parameters().Should().AllSatisfy(p => p.dtype.Should().Be(ScalarType.BFloat16));
        int index = model.parameters().ToList().FindIndex(p => p.Handle == model.norm.weight.Handle);
        var master = context.MasterWeights[index];
        // Five updates of ~1e-4 each move the float32 master by ~5e-4, less than bfloat16's spacing of 2^-7 near 1.
        (master - before).abs().max().ToSingle().Should().BeInRange(1e-4f, 2e-3f);
        model.norm.weight.to(ScalarType.Float32).allclose(master.to(ScalarType.BFloat16).to(ScalarType.Float32)).Should().BeTrue();
    }
}

public class MemoryOptionTests
{
    private static TokenBatch Batch() =>
        // Two rows, the second left-padded, so the mask path runs too.
        new(tensor(new long[] { 5, 6, 7, 8, 9, 10, 0, 0, 7, 3, 9, 11 }).view(2, 6), tensor(new long[] { 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1 }).view(2, 6), 2, ones(2, 4));

    [Fact]
    public void Without_master_weights_adamw_updates_bfloat16_weights_directly_with_bfloat16_state()
    {
        using var model = ModelFixtures.Load("qwen2", ScalarType.BFloat16);
        var before = model.parameters().Select(p => p.to(ScalarType.Float32).clone()).ToList();
        using var context = new TrainingContext(model, new TrainingOptions { LearningRate = 1e-2, MaxGradNorm = 0, MasterWeights = false });
        using var batch = Batch();
        context.Backward(-context.Evaluate(model, batch).LogProbs.sum());
        context.OptimizerStep().Applied.Should().BeTrue();

        context.MasterWeights.Should().BeEmpty();
        var state = ((TorchSharp.Modules.OptimizerHelper)context.Optimizer).state_dict().State.Cast<TorchSharp.Modules.AdamW.State>().ToList();
        state.Should().NotBeEmpty().And.AllSatisfy(s => s.exp_avg.dtype.Should().Be(ScalarType.BFloat16));
        model.parameters().Zip(before).Count(p => !p.First.to(ScalarType.Float32).equal(p.Second).all().ToBoolean()).Should().BeGreaterThan(0, "the weights themselves were updated");
    }

    [Fact]
    public void Activation_checkpointing_gives_the_same_loss_and_gradients()
    {
        (double Loss, List<Tensor> Grads) Run(bool checkpointing)
        {
            using var model = ModelFixtures.Load("qwen2");
            using var context = new TrainingContext(model, new TrainingOptions { ActivationCheckpointing = checkpointing });
            model.ActivationCheckpointing.Should().Be(checkpointing);
            using var batch = Batch();
            model.train();
            var loss = -context.Evaluate(model, batch).LogProbs.sum();
            loss.backward();
            return (loss.ToDouble(), model.parameters().Select(p => p.grad!.clone()).ToList());
        }

        var plain = Run(false);
        var recomputed = Run(true);
        recomputed.Loss.Should().BeApproximately(plain.Loss, 1e-6);
        plain.Grads.Should().HaveCount(recomputed.Grads.Count);
        for (int i = 0; i < plain.Grads.Count; i++)
            (plain.Grads[i] - recomputed.Grads[i]).abs().max().ToDouble().Should().BeLessThan(1e-6, $"gradient {i}");
        plain.Grads.Sum(g => g.abs().sum().ToDouble()).Should().BeGreaterThan(0);
    }

    [Fact]
    public void Right_padding_a_batch_to_an_aligned_width_changes_no_log_prob()
    {
        using var model = ModelFixtures.Load("llama");
        using var batch = Batch();
        using var noGrad = no_grad();
        var plain = model.Hidden(batch.InputIds, batch.AttentionMask);
        var aligned = SequenceEvaluator.Hidden(model, batch, alignment: 64);
        aligned.shape.Should().Equal(plain.shape);
        (aligned - plain).abs().max().ToDouble().Should().BeLessThan(1e-5);
    }
}

public class MasterWeightOptionTests
{
    [Theory]
    [InlineData("float16", true)]
    [InlineData("half", true)]
    [InlineData("bfloat16", false)]
    [InlineData("float32", false)]
    public void Training_float16_weights_without_master_copies_is_refused_before_the_run(string dtype, bool refused)
    {
        var options = new Forge.Core.Stages.SftStageOptions { Kind = "sft", Model = "m", DType = dtype, Data = "d.jsonl" };
        options.Training.MasterWeights = false;

        var validate = () => Forge.Core.Configuration.OptionsValidator.Validate(options, "Pipelines:p:Stages:0");

        if (refused) validate.Should().Throw<ForgeDataException>().WithMessage("Pipelines:p:Stages:0:Training:MasterWeights: false needs DType bfloat16 or float32*");
        else validate.Should().NotThrow();
    }
}
