using Forge.Contracts.Models;
using Forge.Contracts.Training;
using Forge.Core.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Forge.Core.Tests.Training;

/// <summary>
/// <see cref="ITrainingContext.Trainable{T}"/>: a plugin's per-stage module (PPO's value head) lives in the stage's
/// context — created once, optimized, checkpointed, restored on resume, disposed with the context — and a context of
/// another stage starts without it.
/// </summary>
public sealed class KeyedTrainableTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "forge-keyed-" + Guid.NewGuid().ToString("N"));

    public KeyedTrainableTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly TrainingOptions Options = new() { LearningRate = 1e-2, MicroBatchSize = 2 };

    private static TokenBatch Batch(int step)
    {
        var ids = (arange(12, ScalarType.Int64) * (step + 3) % 15 + 1).view(2, 6);
        return new TokenBatch(ids, ones(2, 6, ScalarType.Int64), 2, ones(2, 4));
    }

    private static Linear Head(long outputs, long seed)
    {
        manual_seed(seed);
        return nn.Linear(8, outputs);
    }

    /// <summary>A step through two keyed heads, created on first use in the order a, b (as a plugin would).</summary>
    private static void Step(TrainingContext context, int step, long seed)
    {
        var a = context.Trainable("test/a", () => Head(1, seed));
        var b = context.Trainable("test/b", () => Head(2, seed + 1));
        using var scope = NewDisposeScope();
        using var batch = Batch(step);
        var output = context.Evaluate(context.Policy, batch, withHidden: true);
        var loss = -output.LogProbs.mean() + a.forward(output.Hidden!).square().mean() + (b.forward(output.Hidden!) - 1).square().mean();
        context.Backward(loss);
        context.OptimizerStep().Applied.Should().BeTrue();
    }

    private static void ShouldBeEqual(IEnumerable<Tensor> actual, IEnumerable<Tensor> expected, string what)
    {
        var a = actual.ToList();
        var e = expected.ToList();
        a.Should().HaveSameCount(e).And.NotBeEmpty(what);
        for (int i = 0; i < a.Count; i++) a[i].allclose(e[i], rtol: 0, atol: 0).Should().BeTrue($"{what} {i} is bit for bit the uninterrupted one");
    }

    [Fact]
    public void A_keyed_module_is_created_once_per_context_trained_and_disposed_with_its_context()
    {
        using var model = new BigramModel(16, 8, 1);
        int created = 0;
        Linear Create()
        {
            created++;
            return Head(1, 4);
        }
        var context = new TrainingContext(model, Options);
        var head = context.Trainable("test/a", Create);
        context.Trainable("test/a", Create).Should().BeSameAs(head);
        created.Should().Be(1);
        var before = head.weight!.detach().clone();

        Step(context, 0, 7);

        context.Trainable<Linear>("test/a", () => throw new InvalidOperationException("already there")).Should().BeSameAs(head);
        head.weight!.allclose(before).Should().BeFalse("the optimizer updates a keyed module");
        var wrongType = () => context.Trainable("test/a", () => nn.Embedding(4, 2));
        wrongType.Should().Throw<InvalidOperationException>().WithMessage("*test/a*Linear*Embedding*");

        using (var nextStage = new TrainingContext(model, Options))
        {
            nextStage.Trainable("test/a", Create).Should().NotBeSameAs(head, "a new context (the next stage) starts empty");
            created.Should().Be(2);
        }
        context.Dispose();
        head.weight!.IsInvalid.Should().BeTrue("the context owns the modules it created");
    }

    /// <summary>A module whose weights are computed, so that they belong to the dispose scope it is built in.</summary>
    private sealed class ScaledWeights : nn.Module
    {
        public ScaledWeights() : base(nameof(ScaledWeights))
        {
            register_parameter("weight", new Parameter(randn(3) * 0.5));
            register_buffer("scale", ones(3) * 2);
        }
    }

    [Fact]
    public void A_keyed_module_created_inside_a_dispose_scope_outlives_it()
    {
        using var model = new BigramModel(16, 8, 1);
        using var context = new TrainingContext(model, Options);
        var earlier = new EarlierContext();
        ScaledWeights module, legacyModule;
        using (NewDisposeScope())
        {
            module = context.Trainable("test/a", () => new ScaledWeights());
            legacyModule = ((ITrainingContext)earlier).Trainable("test/a", () => new ScaledWeights());
        }
        module.parameters().Concat(module.buffers()).Should().AllSatisfy(t => t.IsInvalid.Should().BeFalse());
        legacyModule.parameters().Concat(legacyModule.buffers()).Should().AllSatisfy(t => t.IsInvalid.Should().BeFalse());
        legacyModule.Dispose();
    }

    [Fact]
    public void A_restored_context_hands_its_keyed_modules_their_saved_state_and_continues_exactly()
    {
        using var model = new BigramModel(16, 8, 2);
        using var uninterrupted = new TrainingContext(model, Options);
        for (int step = 0; step < 2; step++) Step(uninterrupted, step, seed: 10);
        using var saved = (BigramModel)model.Clone(frozen: false);
        string state = Path.Combine(_dir, "trainer.safetensors");
        uninterrupted.SaveState(state);
        for (int step = 2; step < 4; step++) Step(uninterrupted, step, seed: 10);

        using var resumed = new TrainingContext(saved, Options);
        resumed.RestoreState(state);
        // Created afresh from other seeds: the saved weights and moments must replace them.
        for (int step = 2; step < 4; step++) Step(resumed, step, seed: 50);

        ShouldBeEqual(saved.parameters(), model.parameters(), "policy weight");
        foreach (string key in new[] { "test/a", "test/b" })
            ShouldBeEqual(resumed.Trainable<Linear>(key, () => throw new InvalidOperationException()).parameters(),
                uninterrupted.Trainable<Linear>(key, () => throw new InvalidOperationException()).parameters(), key);
    }

    /// <summary>A context written against the contract before <see cref="ITrainingContext.Trainable{T}"/> existed.</summary>
    private sealed class EarlierContext : ITrainingContext
    {
        public List<nn.Module> Added { get; } = [];

        public ILanguageModel Policy => throw new NotSupportedException();

        public ILanguageModel Reference => throw new NotSupportedException();

        public ILanguageModel? Teacher => null;

        public int StepNumber => 0;

        public int MicroBatchSize => 1;

        public SequenceOutputs Evaluate(ILanguageModel model, TokenBatch batch, bool withEntropy = false, bool withHidden = false) => throw new NotSupportedException();

        public Tensor CompletionLogits(ILanguageModel model, TokenBatch batch) => throw new NotSupportedException();

        public void AddTrainable(nn.Module module) => Added.Add(module);

        public void Backward(Tensor loss) => throw new NotSupportedException();

        public OptimizerStepResult OptimizerStep() => throw new NotSupportedException();

        public void SyncReference(double alpha = 1.0) => throw new NotSupportedException();
    }

    [Fact]
    public void The_default_implementation_keeps_one_module_per_key_and_context_and_registers_it_once()
    {
        var first = new EarlierContext();
        var second = new EarlierContext();
        using var a = ((ITrainingContext)first).Trainable("test/a", () => Head(1, 1));

        ((ITrainingContext)first).Trainable<Linear>("test/a", () => throw new InvalidOperationException("already there")).Should().BeSameAs(a);
        first.Added.Should().Equal(a);
        using var b = ((ITrainingContext)first).Trainable("test/b", () => Head(1, 2));
        first.Added.Should().Equal(a, b);
        using var other = ((ITrainingContext)second).Trainable("test/a", () => Head(1, 3));
        other.Should().NotBeSameAs(a);
        second.Added.Should().Equal(other);
        var wrongType = () => ((ITrainingContext)first).Trainable("test/a", () => nn.Embedding(4, 2));
        wrongType.Should().Throw<InvalidOperationException>();
    }
}
