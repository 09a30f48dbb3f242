using System.Text.Json;
using Forge.Contracts.Devices;
using Forge.Contracts.Models;
using Forge.Contracts.Sampling;
using Forge.Core.Artifacts;
using Forge.Cuda.Graphs;
using Forge.Plugins.Sampling;
using static TorchSharp.torch;

namespace Forge.GpuChecks;

/// <summary>
/// CUDA-graph decoding against eager decoding of the same requests, on CUDA, in bf16 and float32: greedy batches of
/// 1, 3 and 64 rows (prompts of different lengths), rows ending at different steps (stop tokens), a smaller batch after
/// a larger one (graphs of a smaller bucket over the same buffers), another model and back (no stale pointers), and
/// sampling with every filter and a repetition penalty (pre-drawn random numbers: the same seed gives the same ids).
/// One graphed sampler serves every case in turn; both pick tokens with the fused picker where the settings allow
/// (greedy, and sampling without filters), so its capture is checked too. Prints one JSON line per case; checks.py judges them.
/// </summary>
internal static class GraphsVersusEager
{
    public static int Run(ITokenPicker picker)
    {
        var device = CUDA;
        foreach (var dtype in new[] { ScalarType.BFloat16, ScalarType.Float32 })
        {
            using var a = new ModelStore().Create(CheckModels.Qwen2, device, dtype, seed: 0);
            using var b = new ModelStore().Create(CheckModels.Qwen2, device, dtype, seed: 1);
            using var graphed = new KvCacheSampler(new SamplerOptions { CudaGraphs = CudaGraphMode.On }, new CudaGraphs(), picker: picker);
            using var eager = new KvCacheSampler(new SamplerOptions { CudaGraphs = CudaGraphMode.Off }, picker: picker);
            var greedy = new GenerationSettings { Greedy = true, MaxNewTokens = 40 };
            var random = new Random(3);
            var p1 = Prompts(random, 1);
            var p3 = Prompts(random, 3);
            var p64 = Prompts(random, 64);

            string name = dtype == ScalarType.BFloat16 ? "bf16" : "f32";
            Compare($"{name} greedy b1", a, p1, greedy, [], graphed, eager);
            Compare($"{name} greedy b3", a, p3, greedy, [], graphed, eager);
            var full = Compare($"{name} greedy b64", a, p64, greedy, [], graphed, eager);
            // Stop tokens that rows of the batch above produced at steps 3, 9, 17 and 30: rows end at many steps.
            int[] stops = [full[0].TokenIds[3], full[1].TokenIds[9], full[2].TokenIds[17], full[3].TokenIds[30]];
            Compare($"{name} greedy b64 stops", a, p64, greedy, stops, graphed, eager);
            Compare($"{name} greedy b3 after b64", a, p3, greedy, stops, graphed, eager);
            Compare($"{name} greedy b3 other model", b, p3, greedy, [], graphed, eager);
            Compare($"{name} greedy b64 other model", b, p64, greedy, stops, graphed, eager);
            Compare($"{name} greedy b1 first model again", a, p1, greedy, [], graphed, eager);
            var sampled = new GenerationSettings { MaxNewTokens = 40, Temperature = 0.8, TopK = 50, TopP = 0.9, MinP = 0.02, RepetitionPenalty = 1.1 };
            Compare($"{name} sampled b64", a, p64, sampled, stops, graphed, eager);
            Compare($"{name} sampled b3", a, p3, sampled with { TopK = 0, TopP = 1, MinP = 0, RepetitionPenalty = 1 }, [], graphed, eager);
        }
        return 0;
    }

    private static List<IReadOnlyList<int>> Prompts(Random random, int rows) =>
        Enumerable.Range(0, rows).Select(_ => (IReadOnlyList<int>)Enumerable.Range(0, random.Next(20, 61)).Select(_ => random.Next(3, 151000)).ToArray()).ToList();

    private static IReadOnlyList<Completion> Compare(string name, ILanguageModel model, List<IReadOnlyList<int>> prompts, GenerationSettings settings,
        int[] stops, KvCacheSampler graphed, KvCacheSampler eager)
    {
        var tokenizer = new StopTokenizer(model.VocabSize, stops);
        var g = graphed.Sample(new SamplingRequest(model, tokenizer, prompts, 1, settings, 11));
        string graphs = graphed.GraphsOff is null ? "on" : $"off: {graphed.GraphsOff}";
        var e = eager.Sample(new SamplingRequest(model, tokenizer, prompts, 1, settings, 11));
        int differing = 0;
        double worst = 0;
        for (int r = 0; r < g.Count; r++)
        {
            if (!g[r].TokenIds.SequenceEqual(e[r].TokenIds)) differing++;
            for (int t = 0; t < Math.Min(g[r].LogProbs.Count, e[r].LogProbs.Count); t++)
                worst = Math.Max(worst, Math.Abs(g[r].LogProbs[t] - e[r].LogProbs[t]));
        }
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            @case = name,
            rows = prompts.Count,
            graphs,
            captured = graphed.CapturedGraphs,
            rows_with_other_ids = differing,
            max_logprob_diff = worst,
            lengths = g.Select(c => c.TokenIds.Count).Distinct().Count(),
            tokens = g.Sum(c => c.TokenIds.Count),
        }));
        return e;
    }

    /// <summary>Token ids only; <paramref name="stops"/> end a completion.</summary>
    private sealed class StopTokenizer(int vocab, int[] stops) : ITokenizer
    {
        public int VocabSize => vocab;
        public IReadOnlyList<int> StopTokenIds => stops;
        public int PadTokenId => 0;
        public IReadOnlyList<int> Encode(string text) => throw new NotSupportedException("token ids only");
        public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false) => "";
    }
}
