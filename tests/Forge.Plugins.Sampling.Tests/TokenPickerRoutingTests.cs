using Forge.Contracts.Devices;
using Forge.Contracts.Sampling;
using static TorchSharp.torch;

namespace Forge.Plugins.Sampling.Tests;

/// <summary>
/// The sampler hands each step's pick to the host's <see cref="ITokenPicker"/> for greedy decoding and for sampling
/// with temperature only, and picks with tensor operations when a filter or a repetition penalty is set. The picker here
/// is the contract written as tensor operations (tests/gpu's kernels_match_ops holds the CUDA kernel to it).
/// </summary>
public class TokenPickerRoutingTests
{
    [Fact]
    public void Greedy_decoding_through_the_picker_gives_the_transformers_ids_and_log_probs()
    {
        using var model = SamplerFixtures.Load("qwen2");
        var picker = new OpsPicker();
        using var sampler = new KvCacheSampler(new SamplerOptions(), picker: picker);
        var prompts = SamplerFixtures.Ints("qwen2", "prompt_ids");
        var greedy = SamplerFixtures.Ints("qwen2", "greedy_ids");
        var logProbs = SamplerFixtures.LogProbs("qwen2");
        var completions = sampler.Sample(new SamplingRequest(model, new IdTokenizer(model.VocabSize), prompts.Select(p => (IReadOnlyList<int>)p).ToList(), 1,
            new GenerationSettings { Greedy = true, MaxNewTokens = greedy[0].Length }, 1));
        for (int i = 0; i < prompts.Count; i++)
        {
            completions[i].TokenIds.Should().Equal(greedy[i]);
            completions[i].LogProbs.Select(v => (double)v).Should().Equal(logProbs[i], (a, b) => Math.Abs(a - b) < 1e-4);
        }
        picker.Greedy.Should().Be(greedy[0].Length, "every step of the batch was picked by the picker");
    }

    [Theory]
    [InlineData(0.7, 0, 1.0, 0.0, 1.0, true)]
    [InlineData(1.0, 5, 1.0, 0.0, 1.0, false)]
    [InlineData(1.0, 0, 0.9, 0.0, 1.0, false)]
    [InlineData(1.0, 0, 1.0, 0.05, 1.0, false)]
    [InlineData(1.0, 0, 1.0, 0.0, 1.2, false)]
    public void Sampling_uses_the_picker_only_without_filters_or_penalty(double temperature, int topK, double topP, double minP, double penalty, bool picked)
    {
        using var model = SamplerFixtures.Load("llama");
        var picker = new OpsPicker();
        using var sampler = new KvCacheSampler(new SamplerOptions(), picker: picker);
        var prompts = SamplerFixtures.Ints("llama", "prompt_ids").Select(p => (IReadOnlyList<int>)p).ToList();
        var settings = new GenerationSettings { MaxNewTokens = 6, Temperature = temperature, TopK = topK, TopP = topP, MinP = minP, RepetitionPenalty = penalty };
        var completions = sampler.Sample(new SamplingRequest(model, new IdTokenizer(model.VocabSize), prompts, 2, settings, 9));
        completions.Should().OnlyContain(c => c.TokenIds.Count == 6);
        picker.Sampled.Should().Be(picked ? 6 : 0);
        if (picked) picker.Temperatures.Should().OnlyContain(t => t == temperature);
    }

    [Fact]
    public void A_uniform_of_exactly_zero_does_not_pick_an_improbable_token()
    {
        // Two likely tokens and 10,000 of probability ~e⁻⁴⁰; the improbable token 7 draws u = 0 (float32 uniforms are
        // multiples of 2⁻²⁴, so 0 comes once in 2²⁴ draws: about one row in a hundred over Qwen's vocabulary).
        var logits = full(1, 10_002, -40.0, ScalarType.Float32);
        logits[0, 0] = tensor(1.0f);
        logits[0, 1] = tensor(0.5f);
        var uniforms = full(1, 10_002, 0.5, ScalarType.Float32);
        uniforms[0, 7] = tensor(0.0f);
        var scores = logits.softmax(-1) / DecodeBatch.RaceTimes(uniforms);
        scores.argmax(-1).item<long>().Should().BeInRange(0, 1);
        DecodeBatch.RaceTimes(zeros(1)).item<float>().Should().Be((float)Math.Pow(2, -24));
    }

    /// <summary>The <see cref="ITokenPicker"/> contract as tensor operations, counting its calls.</summary>
    private sealed class OpsPicker : ITokenPicker
    {
        public int Greedy, Sampled;
        public List<double> Temperatures { get; } = [];

        public string? Unavailable(Device device) => null;

        public void Pick(Tensor logits, Tensor? uniforms, double temperature, Tensor ids, Tensor output)
        {
            using var scope = NewDisposeScope();
            if (uniforms is null) Greedy++;
            else
            {
                Sampled++;
                Temperatures.Add(temperature);
            }
            var x = logits.to(ScalarType.Float32) / temperature;
            var next = uniforms is null ? x.argmax(-1) : (x - DecodeBatch.RaceTimes(uniforms.clone()).log()).argmax(-1);
            var logProb = x.log_softmax(-1).gather(-1, next.unsqueeze(-1)).squeeze(-1);
            ids.copy_(next.unsqueeze(1));
            output.copy_(stack([next.to(ScalarType.Float32), logProb, x.isfinite().all(-1).to(ScalarType.Float32)], 1));
        }
    }
}
