using Forge.Contracts.Sampling;
using Forge.Core.Adapters;
using Forge.Core.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Forge.Plugins.Sampling.Tests;

/// <summary>
/// The model's fused-kernel path (<see cref="IDecodeKernels"/>: residual additions fused with the norms after them,
/// SiLU·up, rotary + cache write), driven here by <see cref="OpsKernels"/> — the kernels' contract written as TorchSharp
/// operations — so the CPU checks the wiring the CUDA kernels run through: the transformers greedy ids and log-probs,
/// for a Qwen2 (bias), a Llama and a Qwen3 (per-head query/key norms) layout. tests/gpu's kernels_match_ops holds the
/// CUDA kernels to the same figures.
/// </summary>
public class FusedKernelDecodingTests
{
    private static readonly KvCacheSampler Sampler = new(new SamplerOptions { FixedShapes = FixedShapes.On });

    [Theory]
    [InlineData("qwen2")]
    [InlineData("llama")]
    [InlineData("qwen3-tiny")]
    public void Fused_decoding_gives_the_transformers_greedy_ids_and_log_probs(string arch)
    {
        using var model = SamplerFixtures.Load(arch);
        model.FixedShapeDecoding = true;
        var kernels = new OpsKernels();
        model.Kernels = kernels;
        var prompts = SamplerFixtures.Ints(arch, "prompt_ids");
        var greedy = SamplerFixtures.Ints(arch, "greedy_ids");
        var logProbs = SamplerFixtures.LogProbs(arch);
        int steps = greedy[0].Length;
        var completions = Sampler.Sample(new SamplingRequest(model, new IdTokenizer(model.VocabSize), prompts.Select(p => (IReadOnlyList<int>)p).ToList(), 1,
            new GenerationSettings { Greedy = true, MaxNewTokens = steps }, 1));
        for (int i = 0; i < prompts.Count; i++)
        {
            completions[i].TokenIds.Should().Equal(greedy[i], $"case {i}");
            completions[i].LogProbs.Select(v => (double)v).Should().Equal(logProbs[i], (a, b) => Math.Abs(a - b) < 1e-4);
        }
        // Every layer's two norms, plus the final one, on every forward pass; the rotary kernel on every decoding step.
        kernels.Norms.Should().Be(kernels.Passes * (2 * model.Config.NumHiddenLayers + 1));
        kernels.Rotations.Should().Be((kernels.Passes - 1) * model.Config.NumHiddenLayers, "one prefill, then one step per token");
        kernels.Passes.Should().Be(steps);
        // The projection's bias (Qwen2's) travels into the rotary kernel rather than being added on its own.
        kernels.Biased.Should().Be(model.Config.AttentionBias ? kernels.Rotations : 0);
    }

    [Fact]
    public void Fused_decoding_adds_the_projection_bias_as_the_unfused_forward_does()
    {
        // The fixture's biases are zero (transformers initialises them so); give them weight, then decode both ways.
        using var model = SamplerFixtures.Load("qwen2");
        model.FixedShapeDecoding = true;
        using (no_grad())
        {
            var generator = new Generator(11);
            foreach (var (name, parameter) in model.named_parameters())
                if (name.EndsWith(".bias", StringComparison.Ordinal)) parameter.copy_(randn(parameter.shape, generator: generator) * 0.5);
        }
        var kernels = FusedDecodesAsUnfused(model);
        kernels.Biased.Should().BeGreaterThan(0);
    }

    [Fact]
    public void Fused_decoding_keeps_an_adapter_on_the_qkv_projection()
    {
        // With a LoRA branch on q/k/v the bias cannot go to the rotary kernel (the branch adds after it): the fused path
        // must still give the unfused path's tokens.
        using var model = SamplerFixtures.Load("qwen2");
        model.FixedShapeDecoding = true;
        var generator = new Generator(13);
        using var adapter = new LoraAdapter(model, new LoraSpec(4, 8, 0, ["q_proj", "k_proj", "v_proj"], UseRslora: false), generator: generator);
        using (no_grad())
        {
            foreach (var (name, parameter) in model.named_parameters())
                if (name.EndsWith(".bias", StringComparison.Ordinal)) parameter.copy_(randn(parameter.shape, generator: generator) * 0.5);
            foreach (var (name, parameter) in adapter.PeftNames())
                if (name.Contains(".lora_B.", StringComparison.Ordinal)) parameter.copy_(randn(parameter.shape, generator: generator) * 0.5);
        }
        var kernels = FusedDecodesAsUnfused(model);
        kernels.Rotations.Should().BeGreaterThan(0);
        kernels.Biased.Should().Be(0, "the branch keeps the bias in the projection");
    }

    /// <summary>Greedy decoding of the qwen2 prompts through <see cref="OpsKernels"/> gives the unfused path's ids and log-probs; returns the kernels' counts.</summary>
    private static OpsKernels FusedDecodesAsUnfused(DecoderModel model)
    {
        var prompts = SamplerFixtures.Ints("qwen2", "prompt_ids").Select(p => (IReadOnlyList<int>)p).ToList();
        var settings = new GenerationSettings { Greedy = true, MaxNewTokens = 12 };
        var kernels = new OpsKernels();
        model.Kernels = kernels;
        var fused = Sampler.Sample(new SamplingRequest(model, new IdTokenizer(model.VocabSize), prompts, 1, settings, 1));
        model.Kernels = null;
        var unfused = Sampler.Sample(new SamplingRequest(model, new IdTokenizer(model.VocabSize), prompts, 1, settings, 1));
        for (int i = 0; i < prompts.Count; i++)
        {
            fused[i].TokenIds.Should().Equal(unfused[i].TokenIds, $"case {i}");
            fused[i].LogProbs.Should().Equal(unfused[i].LogProbs, (a, b) => Math.Abs(a - b) < 1e-5);
        }
        return kernels;
    }

    [Fact]
    public void Training_forwards_and_cacheless_forwards_do_not_use_the_kernels()
    {
        using var model = SamplerFixtures.Load("qwen2");
        var kernels = new OpsKernels();
        model.Kernels = kernels;
        var ids = tensor(SamplerFixtures.Ints("qwen2", "prompt_ids")[0].Select(i => (long)i).ToArray()).unsqueeze(0);
        using (no_grad()) model.Hidden(ids).Dispose();
        model.Hidden(ids).sum().backward();
        kernels.Norms.Should().Be(0);
    }

    /// <summary>The <see cref="IDecodeKernels"/> contract as TorchSharp operations, rounding where the unfused forward rounds.</summary>
    private sealed class OpsKernels : IDecodeKernels
    {
        public int Norms, Rotations, Biased, Passes;

        public string? Unavailable(Device device) => null;

        public (Tensor Sum, Tensor Normed) AddRmsNorm(Tensor x, Tensor? delta, Tensor weight, double eps)
        {
            if (delta is null) Passes++;
            Norms++;
            var sum = delta is null ? x : x + delta;
            return (sum, RmsNorm.Apply(sum, weight, eps));
        }

        public Tensor SiluMul(Tensor gateUp)
        {
            long half = gateUp.shape[^1] / 2;
            return nn.functional.silu(gateUp.narrow(-1, 0, half)) * gateUp.narrow(-1, half, half);
        }

        public Tensor RotateIntoCache(Tensor projected, Tensor? bias, Tensor cos, Tensor sin, Tensor? queryNorm, Tensor? keyNorm, double eps,
            Tensor keys, Tensor values, Tensor slot, int heads, int kvHeads)
        {
            Rotations++;
            if (bias is not null) Biased++;
            long rows = projected.shape[0], dim = projected.shape[^1];
            var all = projected.reshape(rows, heads + 2 * kvHeads, dim);
            if (bias is not null) all = all + bias.view(heads + 2 * kvHeads, dim);
            var q = all.narrow(1, 0, heads);
            var k = all.narrow(1, heads, kvHeads);
            if (queryNorm is not null) q = RmsNorm.Apply(q, queryNorm, eps);
            if (keyNorm is not null) k = RmsNorm.Apply(k, keyNorm, eps);
            var c = cos.reshape(rows, 1, dim);
            var s = sin.reshape(rows, 1, dim);
            q = q * c + q.roll(dim / 2, -1) * s;
            k = k * c + k.roll(dim / 2, -1) * s;
            keys.index_copy_(2, slot, k.unsqueeze(2));
            values.index_copy_(2, slot, all.narrow(1, heads + kvHeads, kvHeads).unsqueeze(2));
            return q.contiguous();
        }

    }
}
