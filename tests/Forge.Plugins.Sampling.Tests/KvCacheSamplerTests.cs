using System.Text.Json;
using Forge.Contracts.Sampling;
using Forge.Core.Checkpoints;
using Forge.Core.Models;
using static TorchSharp.torch;

namespace Forge.Plugins.Sampling.Tests;

public class KvCacheSamplerTests
{
    private static readonly string Root = SamplerFixtures.Root;
    private static readonly KvCacheSampler Sampler = new(new SamplerOptions { MaxBatchRows = 64 });

    private static DecoderModel Load(string arch) => SamplerFixtures.Load(arch);

    private static List<(int[] Prompt, int[] Greedy, double[] LogProbs)> Cases(string arch) =>
        SamplerFixtures.Ints(arch, "prompt_ids").Zip(SamplerFixtures.Ints(arch, "greedy_ids"), SamplerFixtures.LogProbs(arch)).ToList();

    private static SamplingRequest Request(DecoderModel model, IEnumerable<int[]> prompts, GenerationSettings settings, int g = 1, long seed = 1) =>
        new(model, new IdTokenizer(model.VocabSize), prompts.Select(p => (IReadOnlyList<int>)p).ToList(), g, settings, seed);

    [Theory]
    [InlineData("qwen2")]
    [InlineData("llama")]
    public void Greedy_matches_transformers_ids_and_log_probs_in_one_left_padded_batch(string arch)
    {
        using var model = Load(arch);
        var cases = Cases(arch);
        var completions = Sampler.Sample(Request(model, cases.Select(c => c.Prompt), new GenerationSettings { Greedy = true, MaxNewTokens = 16 }));

        completions.Should().HaveCount(cases.Count);
        for (int i = 0; i < cases.Count; i++)
        {
            completions[i].PromptIndex.Should().Be(i);
            completions[i].TokenIds.Should().Equal(cases[i].Greedy);
            completions[i].LogProbs.Select(v => (double)v).Should().Equal(cases[i].LogProbs, (a, b) => Math.Abs(a - b) < 1e-4);
            completions[i].Truncated.Should().BeTrue();
        }
    }

    [Fact]
    public void Sampling_is_reproducible_for_a_seed_and_groups_completions_by_prompt()
    {
        using var model = Load("qwen2");
        var prompts = Cases("qwen2").Select(c => c.Prompt).Take(2).ToList();
        var settings = new GenerationSettings { Temperature = 1.5, TopK = 50, TopP = 0.95, MaxNewTokens = 12 };
        var a = Sampler.Sample(Request(model, prompts, settings, g: 3, seed: 7));
        var b = Sampler.Sample(Request(model, prompts, settings, g: 3, seed: 7));
        var c = Sampler.Sample(Request(model, prompts, settings, g: 3, seed: 8));

        a.Select(x => x.PromptIndex).Should().Equal(0, 0, 0, 1, 1, 1);
        a.Select(x => string.Join(",", x.TokenIds)).Should().Equal(b.Select(x => string.Join(",", x.TokenIds)));
        a.Select(x => string.Join(",", x.TokenIds)).Should().NotEqual(c.Select(x => string.Join(",", x.TokenIds)));
        a.Select(x => string.Join(",", x.TokenIds)).Distinct().Count().Should().BeGreaterThan(1, "samples of one prompt differ");
    }

    [Fact]
    public void Top_k_of_one_and_a_tiny_top_p_are_greedy()
    {
        using var model = Load("llama");
        var prompt = Cases("llama")[0];
        var topK = Sampler.Sample(Request(model, [prompt.Prompt], new GenerationSettings { TopK = 1, MaxNewTokens = 16 }))[0];
        var topP = Sampler.Sample(Request(model, [prompt.Prompt], new GenerationSettings { TopP = 1e-6, MaxNewTokens = 16 }))[0];
        topK.TokenIds.Should().Equal(prompt.Greedy);
        topP.TokenIds.Should().Equal(prompt.Greedy);
        topK.LogProbs.Should().AllSatisfy(lp => lp.Should().BeApproximately(0f, 1e-5f), "the filtered distribution has one token");
    }

    [Fact]
    public void A_stop_token_ends_that_row_only_and_is_kept()
    {
        using var model = Load("llama");
        var cases = Cases("llama");
        int stop = cases[0].Greedy[3];
        var request = new SamplingRequest(model, new IdTokenizer(model.VocabSize, stop), cases.Select(c => (IReadOnlyList<int>)c.Prompt).ToList(), 1,
            new GenerationSettings { Greedy = true, MaxNewTokens = 16 }, 1);
        var completions = Sampler.Sample(request);
        for (int i = 0; i < cases.Count; i++)
        {
            int at = Array.IndexOf(cases[i].Greedy, stop);
            var expected = at < 0 ? cases[i].Greedy : cases[i].Greedy[..(at + 1)];
            completions[i].TokenIds.Should().Equal(expected);
            completions[i].Truncated.Should().Be(at < 0);
        }
    }

    [Fact]
    public void Repetition_penalty_changes_a_repetitive_greedy_continuation()
    {
        using var model = Load("qwen2");
        var prompt = Cases("qwen2")[0];
        var plain = Sampler.Sample(Request(model, [prompt.Prompt], new GenerationSettings { Greedy = true, MaxNewTokens = 16 }))[0];
        var penalized = Sampler.Sample(Request(model, [prompt.Prompt], new GenerationSettings { Greedy = true, MaxNewTokens = 16, RepetitionPenalty = 5 }))[0];
        plain.TokenIds.Distinct().Count().Should().Be(1, "the fixture model repeats one token greedily");
        penalized.TokenIds.Distinct().Count().Should().BeGreaterThan(1);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Nan_logits_are_one_clear_error_never_an_empty_completion(bool greedy)
    {
        using var model = Load("qwen2");
        using (no_grad()) model.norm.weight.fill_(float.NaN);
        var prompt = Cases("qwen2")[0].Prompt;

        var act = () => Sampler.Sample(Request(model, [prompt], new GenerationSettings { Greedy = greedy, MaxNewTokens = 8 }));

        act.Should().Throw<Forge.Contracts.Plugins.PluginInputException>()
            .WithMessage("the model's logits are NaN or infinite at generated token 1: *").Which.Message.Should().NotContain("\n");
    }

    [Fact]
    public void A_completion_stops_at_the_models_last_position_and_a_prompt_that_fills_them_is_refused()
    {
        using var model = new DecoderModel(ModelConfigOf("qwen2") with { MaxPositionEmbeddings = 12 }, CPU, ScalarType.Float32);
        var settings = new GenerationSettings { Greedy = true, MaxNewTokens = 64 };

        var completions = Sampler.Sample(Request(model, [[1, 2, 3, 4, 5], [1, 2, 3]], settings));
        completions.Select(c => c.TokenIds.Count).Should().Equal(7, 9);
        completions.Should().OnlyContain(c => c.Truncated);

        var act = () => Sampler.Sample(Request(model, [Enumerable.Range(1, 12).ToArray()], settings));
        act.Should().Throw<Forge.Contracts.Plugins.PluginInputException>()
            .WithMessage("a prompt of 12 tokens leaves no room to generate: the model has 12 positions (max_position_embeddings)");
    }

    private static ModelConfig ModelConfigOf(string arch) => ModelConfig.Load(Path.Combine(Root, arch, "config.json"));
}
