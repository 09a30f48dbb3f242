using Forge.Contracts.Training;
using Forge.Core.Adapters;
using Forge.Core.Checkpoints;
using Forge.Core.Models;
using Forge.Core.Tests.Models;
using Forge.Core.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Forge.Core.Tests.Adapters;

public class LoraTrainingTests
{
    private static TokenBatch Batch() =>
        new(tensor(new long[] { 5, 6, 7, 8, 9, 10, 0, 0, 7, 3, 9, 11 }).view(2, 6), tensor(new long[] { 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1 }).view(2, 6), 2, ones(2, 4));

    private static AdaptedModel Policy(LoraSpec? spec = null, string arch = "qwen2")
    {
        var model = ModelFixtures.Load(arch);
        return new AdaptedModel(model, new LoraAdapter(model, spec ?? LoraAdapterTests.Spec(), generator: new Generator(5)), "base");
    }

    private static void Step(TrainingContext context, TokenBatch batch)
    {
        context.Backward(-context.Evaluate(context.Policy, batch).LogProbs.sum());
        context.OptimizerStep().Applied.Should().BeTrue();
    }

    [Fact]
    public void Only_adapter_parameters_change_and_the_frozen_base_is_the_reference_without_a_copy()
    {
        using var policy = Policy();
        var baseBefore = policy.model.parameters().Select(p => p.clone()).ToList();
        var adapterBefore = policy.adapter.parameters().Select(p => p.clone()).ToList();
        using var context = new TrainingContext(policy, new TrainingOptions { LearningRate = 1e-2 });
        using var batch = Batch();
        using var noAdapter = ModelFixtures.Load("qwen2");
        Step(context, batch);
        Step(context, batch);

        policy.model.parameters().Zip(baseBefore).Should().AllSatisfy(p => p.First.allclose(p.Second, 0, 0).Should().BeTrue("the base is frozen"));
        policy.adapter.parameters().Zip(adapterBefore).Should().AllSatisfy(p => p.First.allclose(p.Second, 0, 0).Should().BeFalse("every adapter tensor trains"));
        context.Optimizer.ParamGroups.Cast<TorchSharp.Modules.ParamGroup>().SelectMany(g => g.Parameters).Count().Should().Be(adapterBefore.Count);

        // The reference is the base through the same weights: the original model's log-probs, not the policy's.
        var reference = context.Reference;
        reference.Module.Should().BeSameAs(policy.model);
        var want = context.Evaluate(noAdapter, batch).LogProbs;
        (context.Evaluate(reference, batch).LogProbs - want).abs().max().ToDouble().Should().BeLessThan(1e-6);
        (context.Evaluate(policy, batch).LogProbs - want).abs().max().ToDouble().Should().BeGreaterThan(1e-4);
        policy.adapter.Enabled.Should().BeTrue("the reference switches the adapter off only for its own call");
        FluentActions.Invoking(() => context.SyncReference()).Should().Throw<ForgeDataException>().WithMessage("*frozen base is the reference*");
    }

    [Fact]
    public void A_resumed_adapter_and_its_optimizer_state_continue_exactly()
    {
        using var batch = Batch();
        using var straight = Policy();
        using (var context = new TrainingContext(straight, new TrainingOptions { LearningRate = 1e-2 }))
            for (int i = 0; i < 3; i++) Step(context, batch);

        string folder = Directory.CreateTempSubdirectory("forge-lora-resume-").FullName;
        try
        {
            using (var first = Policy())
            using (var context = new TrainingContext(first, new TrainingOptions { LearningRate = 1e-2 }))
            {
                Step(context, batch);
                Step(context, batch);
                _ = context.Reference; // used, as by GRPO with β > 0: still nothing of it in the state
                first.Save(folder);
                context.SaveState(Path.Combine(folder, TrainingCheckpoint.StateFile));
            }
            TensorFile.Read(Path.Combine(folder, TrainingCheckpoint.StateFile)).Keys.Should().NotContain(k => k.StartsWith("reference/", StringComparison.Ordinal))
                .And.Contain(k => k.StartsWith("adamw/policy/adapter.", StringComparison.Ordinal));

            var model = ModelFixtures.Load("qwen2");
            using var resumed = new AdaptedModel(model, PeftAdapterFolder.Load(folder, model), "base");
            using (var context = new TrainingContext(resumed, new TrainingOptions { LearningRate = 1e-2 }))
            {
                context.RestoreState(Path.Combine(folder, TrainingCheckpoint.StateFile));
                Step(context, batch);
            }
            resumed.adapter.PeftNames().Zip(straight.adapter.PeftNames())
                .Should().AllSatisfy(p => p.First.Tensor.allclose(p.Second.Tensor, 0, 0).Should().BeTrue(p.First.Name));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Activation_checkpointing_gives_the_adapter_the_same_gradients()
    {
        using var batch = Batch();
        var grads = new List<List<Tensor>>();
        foreach (bool checkpointing in new[] { false, true })
        {
            using var policy = Policy();
            policy.model.ActivationCheckpointing = checkpointing;
            policy.train();
            (-SequenceEvaluator.Evaluate(policy, batch, 1.0, 256, withEntropy: false, withHidden: false).LogProbs.sum()).backward();
            grads.Add(policy.adapter.parameters().Select(p => p.grad!.clone()).ToList());
        }
        grads[1].Zip(grads[0]).Should().AllSatisfy(g => (g.First - g.Second).abs().max().ToDouble().Should().BeLessThan(1e-6));
        grads[0].Should().Contain(g => g.abs().max().ToDouble() > 1e-4);
    }

    [Fact]
    public void Peft_folder_round_trips_with_peft_names_and_refuses_what_it_cannot_apply()
    {
        string folder = Directory.CreateTempSubdirectory("forge-lora-peft-").FullName;
        try
        {
            using var model = ModelFixtures.Load("llama");
            using (var adapter = LoraAdapterTests.Randomized(model, LoraAdapterTests.Spec("q_proj", "k_proj", "gate_proj")))
            {
                PeftAdapterFolder.Save(adapter, folder, "some/base");
                TensorFile.Read(Path.Combine(folder, PeftAdapterFolder.WeightsFile)).Keys.Should().Contain("base_model.model.model.layers.0.self_attn.k_proj.lora_B.weight")
                    .And.HaveCount(2 * 3 * model.Config.NumHiddenLayers);
                var (spec, baseModel) = PeftAdapterFolder.ReadConfig(folder);
                spec.Should().BeEquivalentTo(adapter.Spec);
                baseModel.Should().Be("some/base");
                using var loaded = ModelFixtures.Load("llama");
                using var again = PeftAdapterFolder.Load(folder, loaded);
                again.PeftNames().Zip(adapter.PeftNames()).Should().AllSatisfy(p => p.First.Tensor.allclose(p.Second.Tensor, 0, 0).Should().BeTrue());
            }

            string config = Path.Combine(folder, PeftAdapterFolder.ConfigFile);
            string text = File.ReadAllText(config);
            File.WriteAllText(config, text.Replace("\"use_dora\": false", "\"use_dora\": true"));
            FluentActions.Invoking(() => PeftAdapterFolder.ReadConfig(folder)).Should().Throw<ForgeDataException>().WithMessage($"{config}: \"use_dora\": true is not supported");
            File.WriteAllText(config, text.Replace("\"gate_proj\"", "\"lm_head\""));
            FluentActions.Invoking(() => PeftAdapterFolder.ReadConfig(folder)).Should().Throw<ForgeDataException>().WithMessage("*\"lm_head\" is not one of Forge's projections*");
            File.WriteAllText(config, text.Replace("\"gate_proj\"", "\"up_proj\""));
            using var other = ModelFixtures.Load("llama");
            FluentActions.Invoking(() => PeftAdapterFolder.Load(folder, other)).Should().Throw<ForgeDataException>().WithMessage("*missing tensor \"base_model.model.model.layers.0.mlp.up_proj.lora_A.weight\"*");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
