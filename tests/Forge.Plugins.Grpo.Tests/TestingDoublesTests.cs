using Forge.Testing;
using TorchSharp;
using static TorchSharp.torch;

namespace Forge.Plugins.Grpo.Tests;

/// <summary>
/// The Forge.Testing doubles a plugin author gets, driving the built-in GRPO as they would drive their own optimizer:
/// the recording context sees one backward per micro-batch and one update, and the update favours the rewarded row.
/// </summary>
public class TestingDoublesTests
{
    [Fact]
    public void Grpo_through_the_recording_context_backs_up_per_micro_batch_and_raises_the_rewarded_completion()
    {
        using var context = new RecordingTrainingContext(new TinyLanguageModel(vocabSize: 24, seed: 3), microBatchSize: 3);
        var rollout = Rollouts.Build(prompts: [[1, 2], [3, 4, 5]], completions: [[6, 7, 8], [9], [10, 11], [12, 13], [14, 15, 16], [17]],
            rewards: [1, 0, 0, 0, 0, 1], groupSize: 3);
        double Rewarded()
        {
            using var noGrad = no_grad();
            var logProbs = context.Evaluate(context.Policy, rollout.Tokens).LogProbs;
            return (logProbs[0] * rollout.Tokens.CompletionMask[0]).sum().ToDouble() + (logProbs[5] * rollout.Tokens.CompletionMask[5]).sum().ToDouble();
        }
        double before = Rewarded();

        var metrics = new GrpoOptimizer(new GrpoOptions { Beta = 0.04, LossType = GrpoLossType.Grpo }).Step(rollout, context);

        context.BackwardsPerStep.Should().Equal(2);
        context.OptimizerSteps.Should().ContainSingle().Which.Applied.Should().BeTrue();
        context.BackwardLosses.Sum().Should().BeApproximately(metrics["loss"], 1e-6);
        Rewarded().Should().BeGreaterThan(before);
        rollout.Tokens.CompletionMask.sum().ToDouble().Should().Be(12, "completions are right-padded and masked");
        rollout.Tokens.AttentionMask[0].data<long>().ToArray().Should().Equal([0L, 1, 1, 1, 1, 1], "the shorter prompt is left-padded");
        rollout.Tokens.InputIds[0].data<long>().ToArray().Should().Equal([0L, 1, 2, 6, 7, 8]);
        rollout.Tokens.InputIds[4].data<long>().ToArray().Should().Equal([3L, 4, 5, 14, 15, 16]);
    }

    [Fact]
    public void The_recording_context_plays_one_rank_of_several_and_grpo_divides_by_the_whole_batch()
    {
        var rollout = Rollouts.Build(prompts: [[1, 2], [3, 4, 5]], completions: [[6, 7, 8], [9], [10, 11], [12, 13], [14, 15, 16], [17]],
            rewards: [1, 0, 0, 0, 0, 1], groupSize: 3);
        var options = new GrpoOptions { Beta = 0.04, LossType = GrpoLossType.Grpo };
        using var alone = new RecordingTrainingContext(new TinyLanguageModel(vocabSize: 24, seed: 3), microBatchSize: 3);
        new GrpoOptimizer(options).Step(rollout, alone);
        // Rank 1 of 2, the other rank holding three times its rows: 24 rows over 2 ranks, 12 a rank where one process has 6.
        using var rank = new RecordingTrainingContext(new TinyLanguageModel(vocabSize: 24, seed: 3), microBatchSize: 3)
        {
            WorldSize = 2, Rank = 1, OtherRanks = values => values.Select(v => 3 * v).ToArray(),
        };
        new GrpoOptimizer(options).Step(rollout, rank);

        ((Forge.Contracts.Training.ITrainingContext)rank).WorldSize.Should().Be(2);
        ((Forge.Contracts.Training.ITrainingContext)rank).Rank.Should().Be(1);
        rank.RankSums.Should().NotBeEmpty().And.Contain(values => values.Length > 0 && values[0] == 6, "GRPO sums its rows over the ranks");
        // GRPO's first loss is 0 in value (advantages sum to zero in a group, ratio 1, KL 0) but not in gradient: the
        // gradient each rank contributes is half a lone process's.
        double lone = alone.OptimizerSteps.Single().GradNorm, shared = rank.OptimizerSteps.Single().GradNorm;
        lone.Should().BeGreaterThan(1e-4);
        shared.Should().BeApproximately(lone / 2, 1e-6 * lone);

        using var wrong = new RecordingTrainingContext { OtherRanks = _ => [1.0] };
        wrong.Invoking(c => c.SumOverRanks(1, 2)).Should().Throw<InvalidOperationException>().WithMessage("OtherRanks gave 1 values for 2");
    }

    [Fact]
    public void The_scripted_sampler_hands_out_its_script_in_turn_grouped_by_prompt_and_records_each_request()
    {
        var sampler = new ScriptedSampler([[5, 6], [7], [8, 9, 10]]);
        using var model = new TinyLanguageModel();
        var tokenizer = new ListTokenizer();
        var request = new Forge.Contracts.Sampling.SamplingRequest(model, tokenizer, [[1], [2, 3]], 2, new Forge.Contracts.Sampling.GenerationSettings(), 0);

        var completions = sampler.Sample(request);

        completions.Select(c => c.PromptIndex).Should().Equal(0, 0, 1, 1);
        completions.Select(c => c.Text).Should().Equal("5 6", "7", "8 9 10", "5 6");
        completions.Should().AllSatisfy(c => c.LogProbs.Should().HaveCount(c.TokenIds.Count));
        sampler.Requests.Should().ContainSingle().Which.Should().BeSameAs(request);
    }

    private sealed class ListTokenizer : Forge.Contracts.Models.ITokenizer
    {
        public int VocabSize => 32;
        public IReadOnlyList<int> StopTokenIds => [];
        public int PadTokenId => 0;
        public IReadOnlyList<int> Encode(string text) => text.Split(' ').Select(int.Parse).ToList();
        public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false) => string.Join(' ', ids);
    }
}
