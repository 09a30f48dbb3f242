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

    [Fact]
    public void As_one_rank_of_a_data_parallel_run_the_loss_is_a_share_of_the_whole_batch_mean()
    {
        // Forge.Testing can play one rank of two whose other rank holds three times its rows: the batch then has 16 rows
        // over 2 ranks, and each rank divides by 16 / 2 = 8 where a single process divides by its 4 (the ranks' gradients
        // are averaged, so the average is the whole batch's gradient).
        var rollout = Rollouts.Build(prompts: [[1, 2, 3]], completions: [[4, 5], [6, 7], [8, 9], [10, 11]],
            rewards: [1, 0, 0, 0], groupSize: 4);
        using var alone = new RecordingTrainingContext(new TinyLanguageModel(seed: 1), microBatchSize: 2);
        new SampleOptimizer(new SampleOptimizerOptions()).Step(rollout, alone);
        using var rank = new RecordingTrainingContext(new TinyLanguageModel(seed: 1), microBatchSize: 2)
        {
            WorldSize = 2, OtherRanks = values => values.Select(v => 3 * v).ToArray(),
        };
        new SampleOptimizer(new SampleOptimizerOptions()).Step(rollout, rank);

        Assert.Equal(alone.BackwardLosses.Count, rank.BackwardLosses.Count);
        for (int i = 0; i < alone.BackwardLosses.Count; i++) Assert.Equal(alone.BackwardLosses[i] / 2, rank.BackwardLosses[i], 6);
    }

    private static double CompletionLogProb(RecordingTrainingContext context, Forge.Contracts.Training.Rollout rollout, int row)
    {
        using var noGrad = no_grad();
        return context.Evaluate(context.Policy, rollout.Tokens).LogProbs[row].sum().ToDouble();
    }
}
