using Forge.Core.Tests.Training;
using Forge.Core.Training;

namespace Forge.Plugins.Ppo.Tests;

/// <summary>Every row of a batch is trained in every epoch, also when the rows do not divide into the minibatches.</summary>
public class MinibatchTests
{
    [Theory]
    [InlineData(5, 2, "0+3 3+2")]
    [InlineData(6, 2, "0+3 3+3")]
    [InlineData(7, 3, "0+3 3+2 5+2")]
    [InlineData(10, 4, "0+3 3+3 6+2 8+2")]
    [InlineData(2, 4, "0+1 1+1")]
    [InlineData(4, 1, "0+4")]
    [InlineData(0, 3, "")]
    public void Minibatches_cover_every_row_with_sizes_at_most_one_apart(long rows, int count, string expected) =>
        string.Join(" ", Minibatches.Split(rows, count).Select(r => $"{r.Start}+{r.Length}")).Should().Be(expected);

    [Fact]
    public void Each_epoch_updates_once_per_minibatch_from_every_row_of_the_batch()
    {
        using var model = new BigramModel(32, 8, 1);
        using var training = new TrainingContext(model, new TrainingOptions { LearningRate = 1e-2, MicroBatchSize = 2 });
        var context = new RecordingContext(training);
        var optimizer = new PpoOptimizer(new PpoOptions { NumMiniBatches = 2, PpoEpochs = 2, KlCoef = 0 });

        optimizer.Step(TestRollouts.Build(5), context);

        context.Updates.Should().HaveCount(4, "two epochs of two minibatches");
        training.StepNumber.Should().Be(4);
        foreach (var epoch in context.Updates.Chunk(2))
        {
            epoch.Select(rows => rows.Count).Should().BeEquivalentTo([3, 2], "5 rows split as evenly as possible");
            epoch.SelectMany(rows => rows).Should().BeEquivalentTo([0, 1, 2, 3, 4], "every row once per epoch");
        }
    }
}
