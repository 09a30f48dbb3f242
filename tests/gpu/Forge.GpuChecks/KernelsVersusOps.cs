using System.Text.Json;
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
    private const string Qwen2 = """
        {"model_type":"qwen2","architectures":["Qwen2ForCausalLM"],"hidden_size":896,"intermediate_size":4864,
         "num_hidden_layers":4,"num_attention_heads":14,"num_key_value_heads":2,"vocab_size":151936,
         "tie_word_embeddings":true,"rope_theta":1000000.0,"max_position_embeddings":4096,"rms_norm_eps":1e-6}
        """;

    private const string Qwen3 = """
        {"model_type":"qwen3","architectures":["Qwen3ForCausalLM"],"hidden_size":512,"intermediate_size":1536,
         "num_hidden_layers":4,"num_attention_heads":8,"num_key_value_heads":4,"head_dim":128,"vocab_size":32000,
         "tie_word_embeddings":false,"rope_theta":1000000.0,"max_position_embeddings":4096,"rms_norm_eps":1e-6}
        """;

    public static int Run(IDecodeKernels kernels)
    {
        foreach (var (layout, config) in new[] { ("qwen2", Qwen2), ("qwen3", Qwen3) })
        foreach (var dtype in new[] { ScalarType.Float32, ScalarType.BFloat16 })
        {
            using var created = new ModelStore().Create(config, CUDA, dtype, seed: 0);
            var model = (DecoderModel)created;
            model.eval();
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
