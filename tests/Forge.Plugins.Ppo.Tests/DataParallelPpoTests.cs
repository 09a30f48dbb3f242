using Forge.Contracts.Training;
using Forge.Core.Distributed;
using Forge.Core.Tests.Training;
using Forge.Core.Training;
using static TorchSharp.torch;

namespace Forge.Plugins.Ppo.Tests;

/// <summary>
/// PPO over two in-process ranks, each holding a share of a batch, against one rank holding all of it: the whitening,
/// the minibatch token counts the loss divides by and every metric are the whole batch's, so with one minibatch the two
/// runs train the same model; with more minibatches than a rank has rows every rank still makes as many updates.
/// </summary>
public class DataParallelPpoTests
{
    private const int Vocabulary = 32, Width = 8;

    /// <summary>The same weights on every rank and in every run, whatever the threads' draws from the global generator.</summary>
    private static void Fill(nn.Module module, double offset)
    {
        using var noGrad = no_grad();
        int k = 0;
        foreach (var p in module.parameters())
        {
            var values = (arange(p.numel(), float64) * 0.37 + offset + k++).sin() * 0.5;
            p.copy_(values.reshape(p.shape).to(p.dtype));
        }
    }

    private static double[] Flat(nn.Module module)
    {
        using var noGrad = no_grad();
        return module.parameters().SelectMany(p => p.detach().to(float64).contiguous().data<double>().ToArray()).ToArray();
    }

    private static (List<Dictionary<string, double>> Metrics, double[] Weights, double[] Initial, long Updates) Train(ICommunicator communicator, PpoOptions options, int[] shares)
    {
        int first = shares.Take(communicator.Rank).Sum(), rows = shares[communicator.Rank];
        using var model = new BigramModel(Vocabulary, Width, 1);
        Fill(model, 0);
        using var context = new TrainingContext(model, new TrainingOptions { LearningRate = 1e-2, MicroBatchSize = 3 }, communicator: communicator);
        var head = context.Trainable(ValueHead.Key, () => new ValueHead(Width, CPU));
        Fill(head, 2);
        var initial = Flat(model);
        var optimizer = new PpoOptimizer(options);
        var metrics = new List<Dictionary<string, double>>();
        for (int step = 0; step < 2; step++)
            metrics.Add(new Dictionary<string, double>(optimizer.Step(TestRollouts.Build(first, rows), context)));
        return (metrics, Flat(model).Concat(Flat(head)).ToArray(), initial, context.StepNumber);
    }

    [Theory]
    [InlineData(4, 4)]
    [InlineData(5, 3)]
    public void Two_ranks_with_a_share_each_equal_one_rank_with_the_whole_batch(int first, int second)
    {
        var options = new PpoOptions { PpoEpochs = 2, NumMiniBatches = 1, KlCoef = 0.05, WhitenAdvantages = true };
        var single = Train(SingleProcessCommunicator.Instance, options, [first + second]);
        var ranks = InProcessWorld.Run(2, c => Train(c, options, [first, second]));

        ranks[1].Weights.Should().Equal(ranks[0].Weights, "every rank applies the same averaged update");
        for (int step = 0; step < 2; step++)
        {
            ranks[0].Metrics[step].Keys.Should().BeEquivalentTo(single.Metrics[step].Keys);
            foreach (var (key, expected) in single.Metrics[step])
            {
                if (key.StartsWith("time/", StringComparison.Ordinal)) continue;
                ranks[0].Metrics[step][key].Should().BeApproximately(expected, 1e-4 * Math.Abs(expected) + 1e-6, $"{key} at step {step}");
                ranks[1].Metrics[step][key].Should().Be(ranks[0].Metrics[step][key], $"{key} is the whole batch's on every rank");
            }
        }
        double difference = Math.Sqrt(ranks[0].Weights.Zip(single.Weights, (a, b) => (a - b) * (a - b)).Sum());
        double update = Math.Sqrt(single.Weights.Take(single.Initial.Length).Zip(single.Initial, (a, b) => (a - b) * (a - b)).Sum());
        update.Should().BeGreaterThan(0);
        difference.Should().BeLessThan(1e-3 * update, "two ranks train the model one rank does");
    }

    [Fact]
    public void A_rank_with_fewer_rows_than_minibatches_makes_every_rank_split_into_as_many()
    {
        var options = new PpoOptions { PpoEpochs = 1, NumMiniBatches = 4, KlCoef = 0 };
        var ranks = InProcessWorld.Run(2, c => Train(c, options, [6, 2]), TimeSpan.FromSeconds(20));

        ranks[1].Weights.Should().Equal(ranks[0].Weights);
        ranks[0].Updates.Should().Be(4, "two steps of two minibatches each: rank 1 has two rows");
        ranks[1].Updates.Should().Be(4);
        var single = Train(SingleProcessCommunicator.Instance, options, [8]);
        single.Updates.Should().Be(8, "alone, eight rows make four minibatches a step");
    }
}
