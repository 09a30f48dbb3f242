using System.Text.Json;
using Forge.Contracts.Data;
using Forge.Contracts.Rewards;
using Forge.Contracts.Sampling;
using Forge.Core.Evaluation;

namespace Forge.Core.Tests.Evaluation;

public class EvaluatorTests
{
    private static PromptRow Row(string gold) =>
        new("r", "q", new Dictionary<string, JsonElement> { ["answer"] = JsonSerializer.SerializeToElement(gold) });

    private static string Tagged(string answer) => $"<think>…</think><answer>{answer}</answer>";

    private static EvalResult Evaluate(IRewardModel correctness, IReadOnlyList<string> golds, params string[][] script)
    {
        var evaluator = new Evaluator(new ScriptedSampler(script), correctness) { PromptsPerBatch = 2 };
        // The scripted sampler ignores the model; a real one lets the evaluator check each prompt fits its positions.
        using var model = new Training.BigramModel(4, 4, 0);
        return evaluator.Run(model, new ScriptedSampler.NoTokenizer(), golds.Select(Row).ToList(), p => p, script[0].Length,
            new GenerationSettings(), seed: 1);
    }

    [Fact]
    public void Cons_at_k_votes_on_equivalent_answers_and_without_equivalence_on_strings()
    {
        // 1/2, 0.5 and 2/4 are three votes for one answer against two for 3; as strings, 3 has the most votes.
        string[] group = [Tagged("3"), Tagged("1/2"), Tagged("3"), Tagged("0.5"), Tagged("2/4")];

        var equivalent = Evaluate(new FractionEquivalenceReward(), ["0.5"], group);
        equivalent.PassAt1.Should().Be(0.6);
        equivalent.ConsAtK.Should().Be(1.0);

        var strings = Evaluate(new FractionReward(), ["0.5"], group);
        strings.PassAt1.Should().Be(0.6);
        strings.ConsAtK.Should().Be(0.0);
    }

    [Fact]
    public void A_tie_goes_to_the_answer_given_first_and_completions_without_an_answer_do_not_vote()
    {
        var result = Evaluate(new FractionEquivalenceReward(), ["0.5", "0.5", "0.5"],
            [Tagged("1/2"), Tagged("7"), Tagged("7"), Tagged("0.5")],   // 2 against 2, the right answer first: right
            [Tagged("7"), Tagged("1/2"), Tagged("0.5"), Tagged("7")],   // 2 against 2, the wrong answer first: wrong
            ["no answer", "none", "nothing", Tagged("0.50")]);           // one vote, right

        result.PassAt1.Should().Be((2 / 4.0 + 2 / 4.0 + 1 / 4.0) / 3);
        result.ConsAtK.Should().Be(2 / 3.0);
        result.Prompts.Should().Be(3);
    }

    [Fact]
    public void Votes_are_the_answers_the_correctness_reward_extracts()
    {
        // Only the reward reads "final answer:"; its two votes for one half outvote the tagged 3.
        var result = Evaluate(new FractionEquivalenceReward(), ["0.5"],
            ["… final answer: 1/2", Tagged("3"), "… final answer: 0.5"]);

        result.PassAt1.Should().Be(2 / 3.0);
        result.ConsAtK.Should().Be(1.0);
    }
}
