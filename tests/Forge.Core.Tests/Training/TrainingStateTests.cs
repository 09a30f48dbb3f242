using Forge.Contracts.Training;
using Forge.Core.Checkpoints;
using Forge.Core.Models;
using Forge.Core.Tests.Models;
using Forge.Core.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Forge.Core.Tests.Training;

/// <summary>
/// A training context saved mid-run and restored into a fresh one (from the saved weights) continues exactly as the
/// original: bfloat16 weights with float32 masters, a value head that a plugin adds on its first step, a reference
/// that was synced away from the initial policy, and a warm-up/cosine schedule.
/// </summary>
public sealed class TrainingStateTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "forge-state-" + Guid.NewGuid().ToString("N"));

    public TrainingStateTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly TrainingOptions Options = new()
    {
        LearningRate = 1e-2, WarmupSteps = 2, Schedule = LearningRateSchedule.Cosine, TotalSteps = 8, MicroBatchSize = 2,
    };

    private sealed class ValueHead : nn.Module<Tensor, Tensor>
    {
        private readonly Linear _projection;

        public ValueHead(long hidden, long seed) : base(nameof(ValueHead))
        {
            manual_seed(seed);
            _projection = nn.Linear(hidden, 1);
            RegisterComponents();
        }

        public override Tensor forward(Tensor hidden) => _projection.forward(hidden.to(ScalarType.Float32)).squeeze(-1);
    }

    /// <summary>One PPO-like step: the head joins on the first call, as PPO's value head does.</summary>
    private static void Step(TrainingContext context, DecoderModel model, ref ValueHead? head, int step)
    {
        if (head is null)
        {
            head = new ValueHead(model.Config.HiddenSize, 100 + step);
            context.AddTrainable(head);
        }
        using var scope = NewDisposeScope();
        var ids = (arange(12, ScalarType.Int64) * (step + 3) % 300 + 5).view(2, 6);
        using var batch = new TokenBatch(ids, ones(2, 6, ScalarType.Int64), 2, ones(2, 4));
        var output = context.Evaluate(model, batch, withHidden: true);
        Tensor reference;
        using (no_grad()) reference = context.Evaluate(context.Reference, batch).LogProbs;
        var loss = -output.LogProbs.mean() + head.forward(output.Hidden!).square().mean() + (output.LogProbs - reference).square().mean();
        context.Backward(loss);
        context.OptimizerStep().Applied.Should().BeTrue();
        if (step == 1) context.SyncReference(0.5);
    }

    private static void ShouldBeEqual(IEnumerable<Tensor> actual, IEnumerable<Tensor> expected, string what)
    {
        var a = actual.ToList();
        var e = expected.ToList();
        a.Should().HaveSameCount(e).And.NotBeEmpty(what);
        for (int i = 0; i < a.Count; i++) a[i].allclose(e[i], rtol: 0, atol: 0).Should().BeTrue($"{what} {i} is bit for bit the uninterrupted one");
    }

    [Fact]
    public void A_restored_context_continues_exactly_as_the_uninterrupted_one()
    {
        using var original = ModelFixtures.Load("qwen2", ScalarType.BFloat16);
        using var uninterrupted = new TrainingContext(original, Options);
        ValueHead? originalHead = null;
        for (int step = 0; step < 3; step++) Step(uninterrupted, original, ref originalHead, step);
        original.Save(_dir);
        string state = Path.Combine(_dir, TrainingCheckpoint.StateFile);
        uninterrupted.SaveState(state);
        for (int step = 3; step < 6; step++) Step(uninterrupted, original, ref originalHead, step);

        using var loaded = CheckpointLoader.Load(_dir, CPU, ScalarType.BFloat16);
        using var resumed = new TrainingContext(loaded, Options);
        resumed.RestoreState(state);
        resumed.StepNumber.Should().Be(3);
        resumed.NextLearningRate.Should().Be(LearningRate.At(Options, 3));
        ValueHead? resumedHead = null;
        for (int step = 3; step < 6; step++) Step(resumed, loaded, ref resumedHead, step);

        ShouldBeEqual(loaded.parameters(), original.parameters(), "weight");
        ShouldBeEqual(resumed.MasterWeights, uninterrupted.MasterWeights, "float32 master");
        ShouldBeEqual(resumedHead!.parameters(), originalHead!.parameters(), "value head parameter");
        ShouldBeEqual(resumed.Reference.Module.parameters(), uninterrupted.Reference.Module.parameters(), "reference weight");
        resumed.StepNumber.Should().Be(6);
        originalHead.Dispose();
        resumedHead.Dispose();
    }

    [Fact]
    public void A_state_of_another_model_is_refused_naming_the_file_and_tensor()
    {
        using var qwen = ModelFixtures.Load("qwen2");
        using var context = new TrainingContext(qwen, Options);
        ValueHead? head = null;
        Step(context, qwen, ref head, 0);
        string state = Path.Combine(_dir, "state.safetensors");
        context.SaveState(state);
        head!.Dispose();

        using var bigram = new BigramModel(16, 8, 1);
        using var other = new TrainingContext(bigram, Options);
        var act = () => other.RestoreState(state);
        act.Should().Throw<ForgeDataException>().Which.Message.Should().StartWith(state + ": ").And.Contain("tensor \"").And.NotContain("\n");
    }
}
