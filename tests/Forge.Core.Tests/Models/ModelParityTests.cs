using static TorchSharp.torch;

namespace Forge.Core.Tests.Models;

/// <summary>Logits, greedy ids and log-probs against Hugging Face transformers (float32, CPU).</summary>
public class ModelParityTests
{
    // qwen3-tiny and mistral-tiny: made by tests/gpu/fixtures/architectures.py (Qwen3's q/k norms and head_dim 32 ≠ 64/4;
    // Mistral's head_dim 16 ≠ 64/8, GQA 4:1).
    public static TheoryData<string> Architectures => new() { "qwen2", "llama", "qwen3-tiny", "mistral-tiny" };

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Logits_match_transformers_within_1e_4(string arch)
    {
        using var model = ModelFixtures.Load(arch);
        using var noGrad = no_grad();
        foreach (var c in ModelFixtures.Cases(arch))
        {
            using var ids = tensor(ModelFixtures.Ints(c.GetProperty("prompt_ids"))).unsqueeze(0);
            using var logits = model.Logits(model.Hidden(ids))[0].to(float64);
            logits[0].data<double>().ToArray().Should().Equal(ModelFixtures.Doubles(c.GetProperty("logits_first")), (a, b) => Math.Abs(a - b) < 1e-4);
            logits[-1].data<double>().ToArray().Should().Equal(ModelFixtures.Doubles(c.GetProperty("logits_last")), (a, b) => Math.Abs(a - b) < 1e-4);
            // Sums over all positions: relative tolerance, as thousands of values add up.
            logits.sum().item<double>().Should().BeApproximately(c.GetProperty("logits_sum").GetDouble(), 1e-4 * logits.NumberOfElements);
            logits.abs().sum().item<double>().Should().BeApproximately(c.GetProperty("logits_abs_sum").GetDouble(), 1e-4 * logits.NumberOfElements);
        }
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Greedy_ids_are_identical_and_sequence_log_probs_match(string arch)
    {
        using var model = ModelFixtures.Load(arch);
        foreach (var c in ModelFixtures.Cases(arch))
        {
            long[] prompt = ModelFixtures.Ints(c.GetProperty("prompt_ids"));
            long[] expected = ModelFixtures.Ints(c.GetProperty("greedy_ids"));
            ModelFixtures.GreedyWithoutCache(model, prompt, expected.Length).Should().Equal(expected);

            using var noGrad = no_grad();
            using var full = tensor(prompt.Concat(expected).ToArray()).unsqueeze(0);
            using var logProbs = model.Logits(model.Hidden(full))[0].log_softmax(-1);
            var got = expected.Select((token, i) => logProbs[prompt.Length - 1 + i, token].item<float>()).Select(v => (double)v);
            got.Should().Equal(ModelFixtures.Doubles(c.GetProperty("sequence_logprobs")), (a, b) => Math.Abs(a - b) < 1e-4);
        }
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Left_padded_batch_gives_the_same_logits_as_each_row_alone(string arch)
    {
        using var model = ModelFixtures.Load(arch);
        using var noGrad = no_grad();
        var prompts = ModelFixtures.Cases(arch).Select(c => ModelFixtures.Ints(c.GetProperty("prompt_ids"))).ToList();
        int width = prompts.Max(p => p.Length);
        var ids = prompts.SelectMany(p => Enumerable.Repeat(0L, width - p.Length).Concat(p)).ToArray();
        var mask = prompts.SelectMany(p => Enumerable.Repeat(0L, width - p.Length).Concat(Enumerable.Repeat(1L, p.Length))).ToArray();
        using var batched = model.Logits(model.Hidden(tensor(ids).view(prompts.Count, width), tensor(mask).view(prompts.Count, width)));
        for (int r = 0; r < prompts.Count; r++)
        {
            using var alone = model.Logits(model.Hidden(tensor(prompts[r]).unsqueeze(0)))[0];
            batched[r].narrow(0, width - prompts[r].Length, prompts[r].Length).allclose(alone, rtol: 0, atol: 1e-4).Should().BeTrue($"row {r}");
        }
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Cached_decoding_equals_full_forward(string arch)
    {
        using var model = ModelFixtures.Load(arch);
        using var noGrad = no_grad();
        var c = ModelFixtures.Cases(arch).First();
        long[] prompt = ModelFixtures.Ints(c.GetProperty("prompt_ids"));
        long[] expected = ModelFixtures.Ints(c.GetProperty("greedy_ids"));
        ModelFixtures.GreedyWithCache(model, prompt, expected.Length).Should().Equal(expected);
    }
}
