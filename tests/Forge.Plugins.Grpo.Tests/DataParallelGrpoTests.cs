using Forge.Contracts.Sampling;
using Forge.Contracts.Training;
using Forge.Core.Checkpoints;
using Forge.Core.Distributed;
using Forge.Core.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Forge.Plugins.Grpo.Tests;

/// <summary>
/// GRPO over two in-process ranks, each holding two of four prompt groups, against one rank holding all four: the
/// batch-wide quantities (batch reward scaling, the rows and tokens the losses divide by, every metric) and the
/// averaged gradients make the two runs the same, and the ranks' weights identical bit for bit.
/// </summary>
public class DataParallelGrpoTests
{
    private const int Group = 4;
    private static readonly double[] Rewards = [1, 0, 0, 1, 0.5, 0, 1, 0, 0.2, 0.9, 0.4, 0.4, 1, 1, 0, 0.3];
    private static readonly bool[] Scored = [true, true, true, true, true, false, true, true, true, true, true, true, true, true, true, true];

    private static Rollout Rollout(int firstPrompt, int prompts, int maxCompletionLength = 8)
    {
        var promptIds = new List<IReadOnlyList<int>>();
        var completions = new List<Completion>();
        var rows = Enumerable.Range(firstPrompt * Group, prompts * Group).ToList();
        for (int p = 0; p < prompts; p++)
        {
            int global = firstPrompt + p;
            promptIds.Add(Enumerable.Range(3 + global, 2 + global % 3).ToArray());
            // The last prompt's completions are longest: rank 1's rows are wider than rank 0's.
            for (int g = 0; g < Group; g++)
                completions.Add(new Completion(p, Enumerable.Range(10 + g + global, 2 + (global * 5 + g * 3) % 5 + (global == 3 ? 2 : 0)).ToArray(), [], "", g == 3));
        }
        var batch = RolloutBuilder.Build(promptIds, completions, 0, CPU);
        return new Rollout(batch, RolloutBuilder.OldLogProbs(completions, CPU), tensor(rows.Select(r => Rewards[r]).ToArray()),
            tensor(completions.Select(c => c.Truncated).ToArray()), Group)
        {
            Scored = tensor(rows.Select(r => Scored[r]).ToArray()),
            MaxCompletionLength = maxCompletionLength,
        };
    }

    private static float[] Flat(Forge.Contracts.Models.ILanguageModel model)
    {
        using var noGrad = no_grad();
        return cat(model.Module.parameters().Select(p => p.detach().reshape(-1).to(ScalarType.Float32)).ToList()).data<float>().ToArray();
    }

    private static (List<Dictionary<string, double>> Metrics, float[] Weights, float[] Initial) Train(ICommunicator communicator, GrpoOptions options,
        bool shard = false, ScalarType dtype = ScalarType.Float32, Action<TrainingContext>? after = null, int maxCompletionLength = 8)
    {
        int prompts = 4 / communicator.WorldSize;
        var model = CheckpointLoader.Load(Path.Combine(AppContext.BaseDirectory, "TestData", "models", "qwen2"), CPU, dtype);
        var initial = Flat(model);
        // ZeRO-1 in buckets of 12,345 elements: a dozen per step for this model, none aligned with a parameter.
        using var context = new TrainingContext(model, new TrainingOptions { LearningRate = 1e-2, MicroBatchSize = 2, ShardOptimizer = shard, ShardBucketElements = 12_345 }, communicator: communicator);
        var optimizer = new GrpoOptimizer(options);
        var metrics = new List<Dictionary<string, double>>();
        for (int step = 0; step < 2; step++)
            metrics.Add(new Dictionary<string, double>(optimizer.Step(Rollout(communicator.Rank * prompts, prompts, maxCompletionLength), context)));
        after?.Invoke(context);
        var weights = Flat(model);
        model.Dispose();
        return (metrics, weights, initial);
    }

    [Theory]
    [InlineData(GrpoLossType.Grpo, ScaleRewards.Batch)]
    [InlineData(GrpoLossType.Dapo, ScaleRewards.Group)]
    [InlineData(GrpoLossType.Bnpo, ScaleRewards.Batch)]
    [InlineData(GrpoLossType.DrGrpo, ScaleRewards.None)]
    [InlineData(GrpoLossType.DrGrpo, ScaleRewards.Group, 0)] // no configured limit: the widest rank's width
    public void Two_ranks_with_half_the_groups_each_equal_one_rank_with_all(GrpoLossType lossType, ScaleRewards scale, int maxCompletionLength = 8)
    {
        var options = new GrpoOptions { LossType = lossType, ScaleRewards = scale, Beta = 0.04, NumIterations = 2, EpsilonLow = 0.05, EpsilonHigh = 0.05 };
        var single = Train(SingleProcessCommunicator.Instance, options, maxCompletionLength: maxCompletionLength);
        var ranks = InProcessWorld.Run(2, c => Train(c, options, maxCompletionLength: maxCompletionLength));

        ranks[1].Weights.Should().Equal(ranks[0].Weights, "every rank applies the same averaged update");
        for (int step = 0; step < 2; step++)
        {
            ranks[0].Metrics[step].Keys.Should().BeEquivalentTo(single.Metrics[step].Keys);
            foreach (var (key, expected) in single.Metrics[step])
            {
                ranks[0].Metrics[step][key].Should().BeApproximately(expected, 1e-3 * Math.Abs(expected) + 1e-6, $"{key} at step {step}");
                ranks[1].Metrics[step][key].Should().Be(ranks[0].Metrics[step][key], $"{key} is the whole batch's on every rank");
            }
        }
        // AdamW turns even float noise in a near-zero gradient into a step of up to the learning rate, so the weights are
        // compared as a whole: the two runs' difference is a small fraction of the update they made.
        double difference = Math.Sqrt(ranks[0].Weights.Zip(single.Weights, (a, b) => (double)(a - b) * (a - b)).Sum());
        double update = Math.Sqrt(single.Weights.Zip(single.Initial, (a, b) => (double)(a - b) * (a - b)).Sum());
        difference.Should().BeLessThan(0.02 * update, "two ranks train the model one rank does");
    }

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.BFloat16)]
    public void Zero1_keeps_half_the_optimizer_state_per_rank_and_trains_as_unsharded(ScalarType dtype)
    {
        var options = new GrpoOptions { LossType = GrpoLossType.Dapo, ScaleRewards = ScaleRewards.Batch, Beta = 0.04 };
        long unshardedState = 0;
        var unsharded = InProcessWorld.Run(2, c => Train(c, options, dtype: dtype, after: t => { if (c.Rank == 0) unshardedState = t.OptimizerStateElements; }));
        var state = new long[2];
        var sharded = InProcessWorld.Run(2, c => Train(c, options, shard: true, dtype: dtype, after: t => state[c.Rank] = t.OptimizerStateElements));

        state[0].Should().Be(state[1]).And.BeInRange(unshardedState / 2, unshardedState / 2 + 1, "each of two ranks keeps half of AdamW's moments");
        sharded[1].Weights.Should().Equal(sharded[0].Weights, "the all-gathered shards give every rank the same weights");
        for (int step = 0; step < 2; step++)
            foreach (var (key, expected) in unsharded[0].Metrics[step])
                sharded[0].Metrics[step][key].Should().BeApproximately(expected, 1e-3 * Math.Abs(expected) + 1e-6, $"{key} at step {step}");
        double difference = Math.Sqrt(sharded[0].Weights.Zip(unsharded[0].Weights, (a, b) => (double)(a - b) * (a - b)).Sum());
        double update = Math.Sqrt(unsharded[0].Weights.Zip(unsharded[0].Initial, (a, b) => (double)(a - b) * (a - b)).Sum());
        difference.Should().BeLessThan(0.02 * update, "sharding the optimizer does not change the update");
    }

    [Fact]
    public void A_zero1_checkpoint_is_an_unsharded_one_and_resumes_exactly()
    {
        var options = new GrpoOptions { LossType = GrpoLossType.Grpo, Beta = 0 };
        string folder = Directory.CreateTempSubdirectory("forge-zero1-").FullName;
        string state = Path.Combine(folder, "state.safetensors");
        // Two sharded ranks train two steps; the state gathered after them is what one unsharded rank would have written.
        var sharded = InProcessWorld.Run(2, c => Train(c, options, shard: true, after: t =>
        {
            t.GatherState();
            if (c.Rank == 0) t.SaveState(state);
        }));
        var saved = Forge.Core.Checkpoints.TensorFile.Read(state);
        saved.Keys.Should().Contain(k => k.StartsWith("adamw/policy/", StringComparison.Ordinal) && k.EndsWith("/exp_avg", StringComparison.Ordinal));
        saved.Keys.Should().NotContain(k => k.Contains("shard", StringComparison.Ordinal));
        long moments = saved.Where(p => p.Key.EndsWith("/exp_avg", StringComparison.Ordinal)).Sum(p => p.Value.numel());
        foreach (var t in saved.Values) t.Dispose();

        // Restored into sharded ranks again (with other buckets): each takes its shard back, and a re-save gives the same tensors.
        string again = Path.Combine(folder, "again.safetensors");
        InProcessWorld.Run(2, c =>
        {
            var model = CheckpointLoader.Load(Path.Combine(AppContext.BaseDirectory, "TestData", "models", "qwen2"), CPU, ScalarType.Float32);
            using var context = new TrainingContext(model, new TrainingOptions { LearningRate = 1e-2, MicroBatchSize = 2, ShardOptimizer = true, ShardBucketElements = 7_777 }, communicator: c);
            context.RestoreState(state);
            context.OptimizerStateElements.Should().BeInRange(moments / 2, moments / 2 + 1);
            context.GatherState();
            if (c.Rank == 0) context.SaveState(again);
            model.Dispose();
            return 0;
        });
        var first = Forge.Core.Checkpoints.TensorFile.Read(state);
        var second = Forge.Core.Checkpoints.TensorFile.Read(again);
        second.Keys.Should().BeEquivalentTo(first.Keys);
        foreach (var (key, value) in first) second[key].eq(value).all().item<bool>().Should().BeTrue(key);
        _ = sharded;
        Directory.Delete(folder, recursive: true);
    }
}
