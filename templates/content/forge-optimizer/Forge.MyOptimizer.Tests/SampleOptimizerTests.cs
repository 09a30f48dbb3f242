using Forge.Testing;
using TorchSharp;
using static TorchSharp.torch;

namespace Forge.MyOptimizer.Tests;

public class SampleOptimizerTests
{
    [Fact]
    public void A_step_backs_up_each_micro_batch_once_updates_once_and_makes_the_rewarded_completion_likelier()
    {
        // Forge.Testing: a tiny real model, a context that trains it and records the plugin's calls, a rollout laid out
        // as the host lays it out. One prompt, four completions, the first one rewarded.
        using var context = new RecordingTrainingContext(new TinyLanguageModel(seed: 1), microBatchSize: 2);
        var rollout = Rollouts.Build(prompts: [[1, 2, 3]], completions: [[4, 5], [6, 7], [8, 9], [10, 11]],
            rewards: [1, 0, 0, 0], groupSize: 4);
        double before = CompletionLogProb(context, rollout, row: 0);

        var metrics = new SampleOptimizer(new SampleOptimizerOptions()).Step(rollout, context);

        Assert.Equal([2], context.BackwardsPerStep); // 4 rows in micro-batches of 2, then one optimizer step
        Assert.True(CompletionLogProb(context, rollout, row: 0) > before, "the rewarded completion became likelier");
        Assert.Equal(context.BackwardLosses.Sum(), metrics["loss"], 6);
        Assert.Equal([0.75, -0.25, -0.25, -0.25], SampleOptimizerBaseline.Advantages([1, 0, 0, 0], groupSize: 4));
    }

    private static double CompletionLogProb(RecordingTrainingContext context, Forge.Contracts.Training.Rollout rollout, int row)
    {
        using var noGrad = no_grad();
        return context.Evaluate(context.Policy, rollout.Tokens).LogProbs[row].sum().ToDouble();
    }
}
