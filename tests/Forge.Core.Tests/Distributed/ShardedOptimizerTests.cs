using Forge.Contracts.Models;
using Forge.Core.Checkpoints;
using Forge.Core.Distributed;
using Forge.Core.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Forge.Core.Tests.Distributed;

/// <summary>
/// ZeRO stage 1 with buckets far smaller than the model: parameters of odd sizes (81 elements in all), buckets of 7 or 5
/// elements (smaller than most parameters, dividing neither them nor the shards), on 2 and 3 in-process ranks. The
/// sharded step must give what the unsharded optimizer gives, the same bits on every rank, move no more than a bucket
/// at a time, and resume from its checkpoint exactly.
/// </summary>
public sealed class ShardedOptimizerTests
{
    private static readonly long[][] Shapes = [[7, 3], [13], [1], [2, 11], [3], [3, 7]];

    private static TrainingOptions Options(bool shard, int bucket = 7, double maxGradNorm = 1.0) => new()
    {
        LearningRate = 0.05,
        WeightDecay = 0.1,
        MaxGradNorm = maxGradNorm,
        ShardOptimizer = shard,
        ShardBucketElements = bucket,
    };

    /// <summary>
    /// A rank's loss at a step: every parameter pulled towards targets of its own (so every rank's gradient differs and
    /// the average matters), weighted by the parameter's index.
    /// </summary>
    private static Tensor Loss(IEnumerable<Parameter> parameters, int rank, int step)
    {
        Tensor total = zeros(1);
        int i = 0;
        foreach (var p in parameters)
        {
            var target = randn(p.shape, generator: new Generator((ulong)(1000 * rank + 50 * step + i)));
            total = total + (p.to(ScalarType.Float32) - target).square().mean() * (i + 1);
            i++;
        }
        return total.sum();
    }

    private sealed record Outcome(float[] Weights, long StateElements, long Transient, IReadOnlyList<long> Pieces, bool[] Applied);

    private static Outcome Train(ICommunicator communicator, TrainingOptions options, ScalarType dtype, int steps, int firstStep = 0,
        float[]? start = null, string? restore = null, Action<TrainingContext, int>? afterStep = null, OddModule? late = null)
    {
        using var model = new OddModel(dtype);
        if (start is not null) model.Load(start);
        using var context = new TrainingContext(model, options, communicator: communicator);
        if (restore is not null) context.RestoreState(restore);
        var applied = new bool[steps];
        for (int s = firstStep; s < firstStep + steps; s++)
        {
            using var scope = NewDisposeScope();
            if (late is not null && s == firstStep + 1) context.AddTrainable(late);
            var parameters = model.parameters().Concat(late is not null && s > firstStep ? late.parameters() : []);
            context.Backward(Loss(parameters, communicator.Rank, s));
            applied[s - firstStep] = context.OptimizerStep().Applied;
            afterStep?.Invoke(context, s);
        }
        return new Outcome(model.Flat().Concat(late?.Flat() ?? []).ToArray(), context.OptimizerStateElements, context.LargestShardTransient,
            context.ShardPieceElements, applied);
    }

    private static void ShouldBeClose(float[] actual, float[] expected, double tolerance, string because)
    {
        actual.Should().HaveSameCount(expected);
        for (int i = 0; i < expected.Length; i++)
            ((double)Math.Abs(actual[i] - expected[i])).Should().BeLessThanOrEqualTo(tolerance * (1 + Math.Abs(expected[i])), $"element {i}: {because}");
    }

    [Theory]
    [InlineData(2, 7, ScalarType.Float32)]
    [InlineData(3, 7, ScalarType.Float32)]
    [InlineData(2, 5, ScalarType.Float32)]
    [InlineData(3, 5, ScalarType.BFloat16)]
    public void A_bucketed_sharded_step_is_the_unsharded_step(int ranks, int bucket, ScalarType dtype)
    {
        var plain = InProcessWorld.Run(ranks, c => Train(c, Options(shard: false), dtype, steps: 3));
        var sharded = InProcessWorld.Run(ranks, c => Train(c, Options(shard: true, bucket), dtype, steps: 3));

        for (int r = 1; r < ranks; r++) sharded[r].Weights.Should().Equal(sharded[0].Weights, "the all-gathered buckets give every rank the same bits");
        long elements = Shapes.Sum(s => s.Aggregate(1L, (a, b) => a * b));
        sharded.Should().AllSatisfy(o => o.StateElements.Should().Be((elements + ranks - 1) / ranks, "each rank keeps its 1/N of the moments"));
        sharded[0].Pieces.Should().HaveCountGreaterThan((int)(elements / bucket) - 1, "the shard is kept in one piece per bucket");
        // Clipping is on (the norm is summed in another order) and float32 rounding apart, the update is the same; an
        // element taken from the wrong place of the flat vector would be off by about the learning rate.
        ShouldBeClose(sharded[0].Weights, plain[0].Weights, dtype == ScalarType.Float32 ? 1e-5 : 8e-3, "sharding does not change the update");
        var initial = new OddModel(dtype).Flat();
        plain[0].Weights.Zip(initial, (a, b) => Math.Abs(a - b)).Max().Should().BeGreaterThan(0.05f, "three updates moved the weights");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void The_step_moves_one_bucket_at_a_time_whatever_the_model(int ranks)
    {
        const int bucket = 7;
        var largest = new long[ranks];
        var outcomes = InProcessWorld.Run(ranks, c =>
        {
            var recorder = new RecordingCommunicator(c);
            string state = Path.Combine(Path.GetTempPath(), $"forge-zero1-bucket-{Environment.ProcessId}-{ranks}.safetensors");
            var outcome = Train(recorder, Options(shard: true, bucket), ScalarType.BFloat16, steps: 2, afterStep: (context, step) =>
            {
                if (step == 0) recorder.Recording = true; // after the weights' broadcast at the start, which is per parameter
                if (step != 1) return;
                context.GatherState();
                if (c.Rank == 0) context.SaveState(state);
                context.Communicator.Barrier();
            });
            recorder.Recording = false; // the new context broadcasts rank 0's weights, parameter by parameter
            using (var model = new OddModel(ScalarType.BFloat16))
            using (var resumed = new TrainingContext(model, Options(shard: true, bucket), communicator: recorder))
            {
                recorder.Recording = true;
                resumed.RestoreState(state);
                resumed.LargestShardTransient.Should().Be(0, "a restore packs the saved tensors straight into the pieces, with no buffer");
            }
            c.Barrier();
            if (c.Rank == 0) File.Delete(state);
            largest[c.Rank] = recorder.Largest;
            return outcome;
        });

        long elements = Shapes.Sum(s => s.Aggregate(1L, (a, b) => a * b));
        elements.Should().BeGreaterThan(10 * bucket);
        largest.Should().AllSatisfy(l => l.Should().BeInRange(2, bucket, "no collective of the step, the gather or the restore moves more than a bucket"));
        foreach (var outcome in outcomes)
        {
            outcome.Transient.Should().BeInRange(1, bucket, "the step and the gather allocate one bucket's buffer, not the model's flat gradient");
            outcome.Pieces.Should().AllSatisfy(p => p.Should().BeLessThanOrEqualTo(bucket / ranks, "AdamW updates one bucket's piece at a time"));
            outcome.Pieces.Sum().Should().Be(outcome.StateElements);
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void A_sharded_checkpoint_is_the_unsharded_one_and_resumes_exactly(int ranks)
    {
        string folder = Directory.CreateTempSubdirectory("forge-zero1-").FullName;
        try
        {
            string sharded = Path.Combine(folder, "sharded.safetensors"), plain = Path.Combine(folder, "plain.safetensors");
            var at2 = new float[ranks][];
            void Save(TrainingContext context, int step, string path, float[][]? weights)
            {
                if (step != 1) return;
                context.GatherState();
                if (context.Rank == 0) context.SaveState(path);
                if (weights is not null) weights[context.Rank] = ((OddModel)context.Policy).Flat();
                context.Communicator.Barrier();
            }
            // Three steps straight through, saving after the second.
            var through = InProcessWorld.Run(ranks, c => Train(c, Options(shard: true), ScalarType.BFloat16, steps: 3, afterStep: (t, s) => Save(t, s, sharded, at2)));
            InProcessWorld.Run(ranks, c => Train(c, Options(shard: false), ScalarType.BFloat16, steps: 2, afterStep: (t, s) => Save(t, s, plain, null)));

            // The gathered checkpoint holds what the unsharded run's does, tensor for tensor.
            var a = TensorFile.Read(sharded);
            var b = TensorFile.Read(plain);
            a.Keys.Should().BeEquivalentTo(b.Keys);
            foreach (var (key, value) in b)
                ShouldBeClose(a[key].to(ScalarType.Float32).reshape(-1).data<float>().ToArray(), value.to(ScalarType.Float32).reshape(-1).data<float>().ToArray(), 1e-5, key);
            foreach (var t in a.Values.Concat(b.Values)) t.Dispose();

            // Resumed from it, the third step gives the same bits as the run that went straight through.
            var resumed = InProcessWorld.Run(ranks, c => Train(c, Options(shard: true), ScalarType.BFloat16, steps: 1, firstStep: 2, start: at2[c.Rank], restore: sharded));
            for (int r = 0; r < ranks; r++) resumed[r].Weights.Should().Equal(through[r].Weights, $"rank {r} resumes exactly");
            // With other buckets, or unsharded, the same within rounding.
            var rebucketed = InProcessWorld.Run(ranks, c => Train(c, Options(shard: true, bucket: 5), ScalarType.BFloat16, steps: 1, firstStep: 2, start: at2[c.Rank], restore: sharded));
            var unsharded = InProcessWorld.Run(ranks, c => Train(c, Options(shard: false), ScalarType.BFloat16, steps: 1, firstStep: 2, start: at2[c.Rank], restore: sharded));
            ShouldBeClose(rebucketed[0].Weights, through[0].Weights, 8e-3, "another bucket size reads the same checkpoint");
            ShouldBeClose(unsharded[0].Weights, through[0].Weights, 8e-3, "an unsharded run reads the same checkpoint");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_module_added_later_trains_unsharded_beside_the_shard_as_it_would_alone()
    {
        var plain = InProcessWorld.Run(2, c => Train(c, Options(shard: false), ScalarType.Float32, steps: 3, late: new OddModule([[5], [2, 3]], 9)));
        var sharded = InProcessWorld.Run(2, c => Train(c, Options(shard: true), ScalarType.Float32, steps: 3, late: new OddModule([[5], [2, 3]], 9)));

        sharded[1].Weights.Should().Equal(sharded[0].Weights);
        // AdamW steps the late module once per update although the shard's pieces take a step each.
        ShouldBeClose(sharded[0].Weights, plain[0].Weights, 1e-5, "the late module and the shard train as unsharded");
    }

    [Fact]
    public void A_non_finite_loss_on_one_rank_skips_the_sharded_update_on_all()
    {
        var outcomes = InProcessWorld.Run(2, c =>
        {
            using var model = new OddModel(ScalarType.Float32);
            var before = model.Flat();
            using var context = new TrainingContext(model, Options(shard: true), communicator: c);
            var loss = Loss(model.parameters(), c.Rank, 0);
            context.Backward(c.Rank == 1 ? loss * double.NaN : loss);
            bool skipped = !context.OptimizerStep().Applied;
            var after = model.Flat();
            context.Backward(Loss(model.parameters(), c.Rank, 1));
            bool applied = context.OptimizerStep().Applied;
            return (skipped, unchanged: after.SequenceEqual(before), applied, moved: !model.Flat().SequenceEqual(before), context.SkippedUpdates);
        });
        outcomes.Should().AllSatisfy(o =>
        {
            o.skipped.Should().BeTrue("rank 1's loss was not finite");
            o.unchanged.Should().BeTrue();
            o.applied.Should().BeTrue();
            o.moved.Should().BeTrue();
            o.SkippedUpdates.Should().Be(1);
        });
    }

    /// <summary>Parameters of the given shapes, drawn from a fixed seed, in a dtype.</summary>
    internal class OddModule : nn.Module
    {
        public OddModule(long[][] shapes, ulong seed, ScalarType dtype = ScalarType.Float32) : base(nameof(OddModule))
        {
            var generator = new Generator(seed);
            for (int i = 0; i < shapes.Length; i++)
                register_parameter($"p{i}", new Parameter(randn(shapes[i], generator: generator).to(dtype), requires_grad: true));
        }

        public float[] Flat()
        {
            using var noGrad = no_grad();
            return parameters().SelectMany(p => p.detach().to(ScalarType.Float32).reshape(-1).data<float>().ToArray()).ToArray();
        }

        public void Load(float[] values)
        {
            using var noGrad = no_grad();
            int offset = 0;
            foreach (var p in parameters())
            {
                int n = (int)p.numel();
                p.copy_(tensor(values[offset..(offset + n)]).view(p.shape));
                offset += n;
            }
        }
    }

    /// <summary>A policy that is just parameters of odd sizes (the loss reads them directly).</summary>
    internal sealed class OddModel(ScalarType dtype) : OddModule(Shapes, 3, dtype), ILanguageModel
    {
        private readonly ScalarType _dtype = dtype;

        public int VocabSize => 7;

        public Device Device => CPU;

        public ScalarType DType => _dtype;

        public nn.Module Module => this;

        public Tensor Hidden(Tensor inputIds, Tensor? attentionMask = null, IKeyValueCache? cache = null) => throw new NotSupportedException();

        public Tensor Logits(Tensor hidden) => throw new NotSupportedException();

        public IKeyValueCache CreateCache(int batchSize, int capacity) => throw new NotSupportedException();

        public ILanguageModel Clone(bool frozen)
        {
            var copy = new OddModel(_dtype);
            copy.Load(Flat());
            return copy;
        }

        public void Save(string directory) => throw new NotSupportedException();
    }

    /// <summary>Passes every collective on, noting the largest tensor any of them moved while <see cref="Recording"/>.</summary>
    private sealed class RecordingCommunicator(ICommunicator inner) : ICommunicator
    {
        public bool Recording { get; set; }

        public long Largest { get; private set; }

        public int Rank => inner.Rank;

        public int WorldSize => inner.WorldSize;

        public Device Device => inner.Device;

        public void AllReduce(Tensor tensor, ReduceOp op = ReduceOp.Sum)
        {
            Note(tensor);
            inner.AllReduce(tensor, op);
        }

        public void Broadcast(Tensor tensor, int root = 0)
        {
            Note(tensor);
            inner.Broadcast(tensor, root);
        }

        public void AllGather(Tensor input, Tensor output)
        {
            Note(output);
            inner.AllGather(input, output);
        }

        public void ReduceScatter(Tensor input, Tensor output, ReduceOp op = ReduceOp.Sum)
        {
            Note(input);
            inner.ReduceScatter(input, output, op);
        }

        public void Barrier() => inner.Barrier();

        public void Dispose()
        {
        }

        private void Note(Tensor tensor)
        {
            if (Recording) Largest = Math.Max(Largest, tensor.numel());
        }
    }
}
