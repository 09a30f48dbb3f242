using System.Text.Json;
using Forge.Contracts.Devices;
using Forge.Contracts.Models;
using Forge.Contracts.Sampling;
using Forge.Core.Artifacts;
using Forge.Core.Models;
using Forge.Plugins.Sampling;
using static TorchSharp.torch;

namespace Forge.GpuChecks;

/// <summary>
/// Decoding with the fused kernels (<see cref="IDecodeKernels"/>) against decoding with TorchSharp's operations, eagerly,
/// on CUDA, for a Qwen2 layout (bias, GQA 7:1) and a Qwen3 layout (per-head query/key norms), in float32 and bf16:
/// the ids of greedy batches of 3 and 64 rows, and — the figure RL depends on — how far each path's sampling log-probs
/// are from the training forward's (no cache, TorchSharp operations) on the same tokens. One JSON line per case.
/// </summary>
internal static class KernelsVersusOps
{
    private const string Qwen3 = """
        {"model_type":"qwen3","architectures":["Qwen3ForCausalLM"],"hidden_size":512,"intermediate_size":1536,
         "num_hidden_layers":4,"num_attention_heads":8,"num_key_value_heads":4,"head_dim":128,"vocab_size":32000,
         "tie_word_embeddings":false,"rope_theta":1000000.0,"max_position_embeddings":4096,"rms_norm_eps":1e-6}
        """;

    public static int Run(IDecodeKernels kernels, ITokenPicker picker)
    {
        Picks(picker);
        foreach (var (layout, config) in new[] { ("qwen2", CheckModels.Qwen2), ("qwen3", Qwen3) })
        foreach (var dtype in new[] { ScalarType.Float32, ScalarType.BFloat16 })
        {
            using var created = new ModelStore().Create(config, CUDA, dtype, seed: 0);
            var model = (DecoderModel)created;
            model.eval();
            // New models' biases are zero; weigh them, or a kernel that dropped Qwen2's QKV bias would pass.
            using (no_grad())
            {
                var generator = new Generator(9);
                foreach (var (name, parameter) in model.named_parameters())
                    if (name.EndsWith(".bias", StringComparison.Ordinal)) parameter.copy_(randn(parameter.shape, generator: generator) * 0.5);
            }
            using var sampler = new KvCacheSampler(new SamplerOptions { CudaGraphs = CudaGraphMode.Off });
            var random = new Random(5);
            foreach (int rows in new[] { 3, 64 })
            {
                var prompts = Enumerable.Range(0, rows).Select(_ => (IReadOnlyList<int>)Enumerable.Range(0, random.Next(20, 61)).Select(_ => random.Next(3, model.VocabSize)).ToArray()).ToList();
                var settings = new GenerationSettings { Greedy = true, MaxNewTokens = 32 };
                var tokenizer = new IdsTokenizer(model.VocabSize);
                model.Kernels = kernels;
                string? off = kernels.Unavailable(model.Device);
                var fused = sampler.Sample(new SamplingRequest(model, tokenizer, prompts, 1, settings, 7));
                model.Kernels = null;
                var ops = sampler.Sample(new SamplingRequest(model, tokenizer, prompts, 1, settings, 7));
                int differing = 0, compared = 0;
                double direct = 0;
                for (int r = 0; r < rows; r++)
                {
                    if (!fused[r].TokenIds.SequenceEqual(ops[r].TokenIds)) differing++;
                    // Log-probs compared up to the first step where the two chose different tokens.
                    for (int t = 0; t < Math.Min(fused[r].TokenIds.Count, ops[r].TokenIds.Count); t++)
                    {
                        direct = Math.Max(direct, Math.Abs(fused[r].LogProbs[t] - ops[r].LogProbs[t]));
                        compared++;
                        if (fused[r].TokenIds[t] != ops[r].TokenIds[t]) break;
                    }
                }
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    @case = $"{layout} {(dtype == ScalarType.BFloat16 ? "bf16" : "f32")} greedy b{rows}",
                    kernels = off is null ? "on" : $"off: {off}",
                    rows,
                    rows_with_other_ids = differing,
                    max_logprob_diff = direct,
                    compared,
                    fused_vs_training_forward = Teacher(model, prompts, fused),
                    ops_vs_training_forward = Teacher(model, prompts, ops),
                }));
            }
        }
        return 0;
    }

    /// <summary>
    /// The fused token pick against tensor operations on the same logits and uniforms: greedy ids and log-probs
    /// ([64, 151936] bf16 logits); sampled picks (8,192 rows sharing one row of logits whose mass sits on 12 tokens, at
    /// temperatures 1 and 0.7) against the exact probabilities (largest frequency error in standard errors), the same
    /// tokens as the unfused race (softmax / E) picks, and log-probs equal to log_softmax at the pick.
    /// </summary>
    private static void Picks(ITokenPicker picker)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        manual_seed(3);
        const int vocab = 151936;
        {
            var logits = (randn(64, vocab, device: CUDA) * 3).to(ScalarType.BFloat16);
            var ids = zeros(64, 1, ScalarType.Int64, CUDA);
            var output = zeros(64, 3, ScalarType.Float32, CUDA);
            picker.Pick(logits, null, 1.0, ids, output);
            var raw = logits.to(ScalarType.Float32);
            var expected = raw.argmax(-1);
            var logProbs = raw.log_softmax(-1).gather(-1, expected.unsqueeze(-1)).squeeze(-1);
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                @case = "pick greedy b64",
                other_ids = (ids.squeeze(1) != expected).sum().item<long>(),
                max_logprob_diff = (output.select(1, 1) - logProbs).abs().max().item<float>(),
                finite = output.select(1, 2).sum().item<float>(),
            }));
        }
        {
            // A vocabulary that is no multiple of the kernel's chunk, with −∞ over whole chunks and parts of others: the
            // greedy and sampled picks and their log-probs as tensor operations give them, and the finite flags.
            const int rows = 256, odd = 50257;
            var logits = randn(rows, odd, device: CUDA) * 3;
            logits.narrow(0, 0, 64).narrow(1, 0, 9000).fill_(double.NegativeInfinity);
            logits.narrow(0, 64, 64).narrow(1, 45000, odd - 45000).fill_(double.NegativeInfinity);
            logits = logits.to(ScalarType.BFloat16);
            var uniforms = rand(rows, odd, device: CUDA);
            var raw = logits.to(ScalarType.Float32);
            var finite = raw.isfinite().all(-1).to(ScalarType.Float32);
            foreach (bool sampled in new[] { false, true })
            {
                var ids = zeros(rows, 1, ScalarType.Int64, CUDA);
                var output = zeros(rows, 3, ScalarType.Float32, CUDA);
                const double temperature = 0.8;
                picker.Pick(logits, sampled ? uniforms : null, sampled ? temperature : 1.0, ids, output);
                var processed = sampled ? raw / temperature : raw;
                var expected = sampled ? processed.softmax(-1).div_(DecodeBatch.RaceTimes(uniforms)).argmax(-1) : processed.argmax(-1);
                var logProbs = processed.log_softmax(-1).gather(-1, expected.unsqueeze(-1)).squeeze(-1);
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    @case = $"pick {(sampled ? "sampled" : "greedy")} vocab {odd}",
                    other_ids = (ids.squeeze(1) != expected).sum().item<long>(),
                    max_logprob_diff = (output.select(1, 1) - logProbs).abs().max().item<float>(),
                    finite_flags_wrong = (output.select(1, 2) != finite).sum().item<long>(),
                }));
            }
        }
        foreach (double temperature in new[] { 1.0, 0.7 })
        {
            const int rows = 8192;
            var row = full(vocab, -40.0, ScalarType.Float32, CUDA);
            var support = randperm(vocab, device: CUDA).narrow(0, 0, 12);
            row.index_put_(randn(12, device: CUDA) * 1.5, support);
            var logits = row.unsqueeze(0).expand(rows, vocab).to(ScalarType.BFloat16).contiguous();
            var uniforms = rand(rows, vocab, device: CUDA);
            var ids = zeros(rows, 1, ScalarType.Int64, CUDA);
            var output = zeros(rows, 3, ScalarType.Float32, CUDA);
            picker.Pick(logits, uniforms, temperature, ids, output);
            var processed = logits.to(ScalarType.Float32) / temperature;
            var probabilities = processed[0].softmax(-1);
            var race = DecodeBatch.RaceTimes(uniforms);
            var unfused = processed.softmax(-1).div_(race).argmax(-1);
            var picked = ids.squeeze(1);
            var counts = zeros(vocab, ScalarType.Float32, CUDA).index_add_(0, picked, ones(rows, ScalarType.Float32, CUDA), 1);
            var p = probabilities.index_select(0, support);
            var frequency = counts.index_select(0, support) / rows;
            var standardErrors = ((frequency - p).abs() / (p * (1 - p) / rows).sqrt().clamp_min(1e-6)).max().item<float>();
            var expectedLogProbs = processed.log_softmax(-1).gather(-1, ids).squeeze(-1);
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                @case = $"pick sampled T{temperature}",
                rows,
                outside_support = rows - counts.index_select(0, support).sum().item<float>(),
                max_standard_errors = standardErrors,
                same_as_unfused = (picked == unfused).to(ScalarType.Float32).mean().item<float>(),
                max_logprob_diff = (output.select(1, 1) - expectedLogProbs).abs().max().item<float>(),
            }));
        }
    }

    /// <summary>Mean and largest |log-prob| difference between a sampler's figures and the no-cache forward's, over at most 8 rows.</summary>
    private static double[] Teacher(DecoderModel model, List<IReadOnlyList<int>> prompts, IReadOnlyList<Completion> completions)
    {
        using var noGrad = no_grad();
        double sum = 0, worst = 0;
        int count = 0;
        for (int r = 0; r < Math.Min(8, completions.Count); r++)
        {
            using var scope = NewDisposeScope();
            var ids = prompts[r].Concat(completions[r].TokenIds).Select(i => (long)i).ToArray();
            var logits = model.Logits(model.Hidden(tensor(ids, [1, ids.Length]).to(model.Device))).to(ScalarType.Float32);
            var logProbs = nn.functional.log_softmax(logits[0], -1).cpu();
            for (int t = 0; t < completions[r].TokenIds.Count; t++)
            {
                double reference = logProbs[prompts[r].Count - 1 + t, completions[r].TokenIds[t]].item<float>();
                double d = Math.Abs(reference - completions[r].LogProbs[t]);
                sum += d;
                worst = Math.Max(worst, d);
                count++;
            }
        }
        return [count == 0 ? 0 : sum / count, worst];
    }

    private sealed class IdsTokenizer(int vocab) : ITokenizer
    {
        public int VocabSize => vocab;
        public IReadOnlyList<int> StopTokenIds => [];
        public int PadTokenId => 0;
        public IReadOnlyList<int> Encode(string text) => throw new NotSupportedException("token ids only");
        public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false) => "";
    }
}
