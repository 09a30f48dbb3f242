using Forge.Contracts.Sampling;
using Forge.Core.Models;
using static TorchSharp.torch;

namespace Forge.Plugins.Sampling.Tests;

/// <summary>
/// Fixed-shape decoding (the CUDA default): prompts padded to a multiple of 32, caches attending over their whole
/// capacity, finished rows kept until the rest fit a smaller bucket. It must give what dynamic decoding gives.
/// </summary>
public class FixedShapeDecodingTests
{
    private static readonly KvCacheSampler Fixed = new(new SamplerOptions { FixedShapes = FixedShapes.On });
    private static readonly KvCacheSampler Dynamic = new(new SamplerOptions { FixedShapes = FixedShapes.Off });

    private static DecoderModel Load(string arch, bool fixedLength)
    {
        var model = SamplerFixtures.Load(arch);
        model.FixedShapeDecoding = fixedLength;
        return model;
    }

    private static List<int[]> Prompts(string arch, string key = "prompt_ids") => SamplerFixtures.Ints(arch, key);

    [Theory]
    [InlineData("qwen2")]
    [InlineData("llama")]
    public void Greedy_ids_and_log_probs_match_transformers(string arch)
    {
        using var model = Load(arch, fixedLength: true);
        var prompts = Prompts(arch);
        var greedy = Prompts(arch, "greedy_ids");
        var logProbs = SamplerFixtures.LogProbs(arch);
        var completions = Fixed.Sample(new SamplingRequest(model, new IdTokenizer(model.VocabSize), prompts.Select(p => (IReadOnlyList<int>)p).ToList(), 1,
            new GenerationSettings { Greedy = true, MaxNewTokens = 16 }, 1));
        for (int i = 0; i < prompts.Count; i++)
        {
            completions[i].TokenIds.Should().Equal(greedy[i]);
            completions[i].LogProbs.Select(v => (double)v).Should().Equal(logProbs[i], (a, b) => Math.Abs(a - b) < 1e-4);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Rows_finishing_at_different_steps_decode_greedily_as_the_dynamic_path_does(bool penalty)
    {
        // 11 rows of different prompt lengths; two stop tokens end rows at different steps, so the batch goes through
        // several buckets (11 → 8 → 4 …) while the dynamic path drops each row as it ends. (Sampled rows draw their
        // random numbers by batch position, so only greedy decoding is the same in both.)
        var source = Prompts("llama").Concat(Prompts("qwen2")).ToList();
        var prompts = Enumerable.Range(0, 11).Select(i => source[i % source.Count].Skip(i % 5).ToArray()).ToList();
        var reference = Prompts("llama", "greedy_ids");
        int[] stops = [reference[0][2], reference[1][5]];
        var settings = new GenerationSettings { Greedy = true, MaxNewTokens = 16, RepetitionPenalty = penalty ? 1.3 : 1.0 };
        using var fixedModel = Load("llama", fixedLength: true);
        using var dynamicModel = Load("llama", fixedLength: false);
        Completion[] Run(KvCacheSampler sampler, DecoderModel model) => sampler.Sample(new SamplingRequest(model, new IdTokenizer(model.VocabSize, stops),
            prompts.Select(p => (IReadOnlyList<int>)p).ToList(), 1, settings, 5)).ToArray();

        var a = Run(Fixed, fixedModel);
        var b = Run(Dynamic, dynamicModel);
        a.Select(c => c.TokenIds.Count).Distinct().Count().Should().BeGreaterThan(2, "rows end at different steps");
        for (int i = 0; i < a.Length; i++)
        {
            a[i].TokenIds.Should().Equal(b[i].TokenIds, $"row {i}");
            a[i].LogProbs.Should().Equal(b[i].LogProbs, (x, y) => Math.Abs(x - y) < 1e-5f);
            a[i].Truncated.Should().Be(b[i].Truncated);
        }
    }

    [Fact]
    public void Batches_shrink_by_buckets_and_prompts_pad_to_multiples_of_32()
    {
        DecodeShapes.Bucket(1).Should().Be(1);
        DecodeShapes.Bucket(3).Should().Be(4);
        DecodeShapes.Bucket(5).Should().Be(8);
        DecodeShapes.Bucket(9).Should().Be(16);
        DecodeShapes.Bucket(127).Should().Be(128);
        DecodeShapes.Bucket(121).Should().Be(128);
        DecodeShapes.Bucket(120).Should().Be(120);

        var on = new DecodeShapes(fixedShapes: true);
        var off = new DecodeShapes(fixedShapes: false);
        on.BatchFor(unfinished: 127, current: 128).Should().Be(128, "one finished row does not change the shape");
        on.BatchFor(unfinished: 120, current: 128).Should().Be(120);
        on.BatchFor(unfinished: 3, current: 120).Should().Be(4);
        on.BatchFor(unfinished: 5, current: 6).Should().Be(6, "a bucket above the batch keeps the batch");
        on.Width(1).Should().Be(32);
        on.Width(33).Should().Be(64);
        on.Capacity(width: 96, newTokens: 256).Should().Be(384, "prompts 96 or 128 wide share one decoding shape");
        on.Capacity(width: 128, newTokens: 256).Should().Be(384);
        off.Capacity(width: 96, newTokens: 256).Should().Be(352);
        off.BatchFor(unfinished: 127, current: 128).Should().Be(127);
        off.Width(33).Should().Be(33);
    }

    [Fact]
    public void A_fixed_length_cache_hands_attention_its_whole_capacity()
    {
        using var model = Load("qwen2", fixedLength: true);
        var config = model.Config;
        using var cache = new KeyValueCache(config, 2, 40, CPU, ScalarType.Float32, fixedLength: true);
        var keys = zeros(2, config.NumKeyValueHeads, 3, config.HeadDim);
        cache.Append(0, keys, keys).Keys.shape[2].Should().Be(40);
        cache.KeysAfter(3).Should().Be(40);
        using var growing = new KeyValueCache(config, 2, 40, CPU, ScalarType.Float32);
        growing.Append(0, keys, keys).Keys.shape[2].Should().Be(3);
    }
}
