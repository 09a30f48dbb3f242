using Forge.Contracts.Training;
using Forge.Core.Tests.Training;
using Forge.Core.Training;
using static TorchSharp.torch;

namespace Forge.Plugins.Ppo.Tests;

/// <summary>
/// The value head belongs to the stage (its training context), not to the optimizer instance, which the plugin host
/// shares between every stage that names <c>ppo</c>.
/// </summary>
public class ValueHeadPerStageTests
{
    private static readonly TrainingOptions Options = new() { LearningRate = 1e-2, MicroBatchSize = 4 };

    private static ValueHead Head(ITrainingContext context) =>
        context.Trainable<ValueHead>(ValueHead.Key, () => throw new InvalidOperationException("PPO registered no value head with this context"));

    private static double[] Snapshot(ValueHead head) =>
        head.parameters().SelectMany(p => p.detach().to(float64).contiguous().data<double>().ToArray()).ToArray();

    [Fact]
    public void One_optimizer_trains_a_separate_head_in_each_stage_whatever_the_models_width()
    {
        var optimizer = new PpoOptimizer(new PpoOptions { PpoEpochs = 1, KlCoef = 0.05 });
        using var narrowModel = new BigramModel(32, 8, 1);
        using var wideModel = new BigramModel(32, 12, 2);
        using var first = new TrainingContext(narrowModel, Options);
        using var second = new TrainingContext(wideModel, Options);

        optimizer.Step(TestRollouts.Build(4), first);
        optimizer.Step(TestRollouts.Build(4), second);
        var firstHead = Head(first);
        var secondHead = Head(second);
        var firstAfterOneStep = Snapshot(firstHead);
        var secondAfterOneStep = Snapshot(secondHead);
        optimizer.Step(TestRollouts.Build(4), first);
        optimizer.Step(TestRollouts.Build(4), second);

        secondHead.Should().NotBeSameAs(firstHead);
        Head(first).Should().BeSameAs(firstHead, "a stage keeps its head from step to step");
        Head(second).Should().BeSameAs(secondHead);
        firstHead.parameters().First().shape.Should().Equal(1, 8);
        secondHead.parameters().First().shape.Should().Equal(1, 12);
        Snapshot(firstHead).Should().NotEqual(firstAfterOneStep, "the first stage's steps train its head");
        Snapshot(secondHead).Should().NotEqual(secondAfterOneStep, "the second stage's steps train its own head");
        first.StepNumber.Should().Be(2);
        second.StepNumber.Should().Be(2);
    }
}
