using System.Diagnostics;
using System.Text.Json;
using Forge.Contracts.Sampling;
using Forge.Core.Artifacts;
using Forge.Core.Devices;
using Forge.Core.Models;
using Forge.Cuda.Graphs;
using Forge.Plugins.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace Forge.Bench;

/// <summary>Generation throughput, measured as shared/tools/peer_generate.py measures transformers.</summary>
internal static class GenerateBench
{
    public static void Run(Args args)
    {
        string shape = args.Get("shape", "tiny");
        int promptLength = args.Int("prompt-len", 128), newTokens = args.Int("new-tokens", 256), repeats = args.Int("repeats", 3);
        using var model = Shapes.Create(args);
        var (device, dtype) = (model.Device, model.DType);
        model.eval();
        long parameters = model.parameters().Sum(p => p.NumberOfElements);
        var tokenizer = new BenchTokenizer(model.VocabSize);
        var random = new Random(0);
        var graphs = new CudaGraphs();

        foreach (int batch in args.Ints("batch", [1, 64]))
        foreach (string mode in args.Strings("graphs", ["auto"]))
        foreach (string fused in args.Strings("kernels", ["on"]))
        {
            model.Kernels = fused == "off" ? null : DecodeKernels.Installed;
            // --graphs on off: the same prompts decoded with CUDA graphs and eagerly, one sampler (and its graphs) each.
            using var sampler = new KvCacheSampler(new SamplerOptions { MaxBatchRows = 4096, CudaGraphs = Enum.Parse<CudaGraphMode>(mode, ignoreCase: true) }, graphs, picker: BenchKernels.Picker(fused));
            var prompts = Shapes.RandomPrompts(new Random(batch), batch, promptLength, model.VocabSize);
            var settings = new GenerationSettings { Greedy = !args.Flag("sample"), MaxNewTokens = newTokens };
            sampler.Sample(new SamplingRequest(model, tokenizer, prompts, 1, settings with { MaxNewTokens = 8 }, 0)); // warm-up
            var times = new List<double>();
            for (int r = 0; r < repeats; r++)
            {
                var clock = Stopwatch.StartNew();
                var output = sampler.Sample(new SamplingRequest(model, tokenizer, prompts, 1, settings, r));
                if (device.type == DeviceType.CUDA) cuda.synchronize();
                times.Add(clock.Elapsed.TotalSeconds);
                if (output.Any(c => c.TokenIds.Count != newTokens)) throw new InvalidOperationException("a sequence stopped early");
            }
            double seconds = times.Order().ElementAt(times.Count / 2);
            string graphsState = sampler.GraphsOff is null ? $"on ({sampler.CapturedGraphs} captured)" : $"off: {sampler.GraphsOff}";
            double weightBytes = parameters * (dtype == ScalarType.Float32 ? 4.0 : 2.0);
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                system = "forge-generate",
                shape,
                @params = parameters,
                dtype = ModelConfig.DTypeName(dtype),
                batch,
                sampling = !settings.Greedy,
                graphs = graphsState,
                kernels = model.Kernels is null ? "off" : model.Kernels.Unavailable(device) is { } why ? $"off: {why}" : "on",
                prompt_len = promptLength,
                new_tokens = newTokens,
                seconds = Math.Round(seconds, 4),
                tokens_per_s = Math.Round(batch * newTokens / seconds, 1),
                ms_per_step = Math.Round(1000 * seconds / newTokens, 3),
                weight_gib = Math.Round(weightBytes / (1L << 30), 3),
            }));
        }
    }
}
