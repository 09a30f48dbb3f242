using System.Diagnostics;
using System.Text.Json;
using Forge.Contracts.Devices;
using Forge.Contracts.Sampling;
using Forge.Core.Models;
using Forge.Cuda.Graphs;
using Forge.Plugins.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace Forge.Bench;

/// <summary>
/// Where a decoding step's time goes (CUDA only): one step of the kv-cache sampler's <see cref="DecodeBatch"/> run
/// eagerly and replayed from a CUDA graph, and its parts captured and replayed on their own — the decoder layers, the
/// LM head, picking the token (greedy, and sampling at temperature 1) — plus the per-step read-back of the output.
/// Each figure is the mean over --steps back-to-back launches between two device synchronisations.
/// </summary>
internal static class DecodeProfile
{
    private const double NominalBandwidth = 4.8e12; // H200 HBM3e, bytes/s

    public static void Run(Args args)
    {
        int promptLength = args.Int("prompt-len", 128), steps = args.Int("steps", 100);
        using var model = Shapes.Create(args);
        if (model.Device.type != DeviceType.CUDA) throw new ArgumentException("decode-profile needs --device cuda");
        model.eval();
        IDeviceGraphs graphs = new CudaGraphs();
        string? why = graphs.Unavailable(model.Device);
        if (why is not null) throw new InvalidOperationException($"CUDA graphs unavailable: {why}");
        long parameters = model.parameters().Sum(p => p.NumberOfElements);
        double weightBytes = parameters * (model.DType == ScalarType.Float32 ? 4.0 : 2.0);
        var greedy = new GenerationSettings { Greedy = true };
        var sampling = new GenerationSettings { Temperature = 1.0 };
        using var noGrad = no_grad();

        var installed = DecodeKernels.Installed;
        foreach (string fused in args.Strings("kernels", ["on", "off"]))
        foreach (int rows in args.Ints("batch", [1, 64, 128]))
        {
            model.Kernels = fused == "off" ? null : installed;
            using var scope = NewDisposeScope();
            using var stream = graphs.UseSideStream(model.Device);
            int capacity = promptLength + steps + 128;
            using var batch = new DecodeBatch(model, rows, capacity, BenchKernels.Picker(fused));
            var cache = (KeyValueCache)batch.Cache;
            var prompts = randint(0, model.VocabSize, [rows, promptLength], ScalarType.Int64, model.Device);
            batch.Start(rows, prompts, penalty: false);
            var hidden = model.Hidden(prompts, null, cache);
            batch.Pick(model.Logits(hidden.narrow(1, promptLength - 1, 1)).squeeze(1), greedy);
            batch.Draw(null); // the uniforms sampling reads (their values do not change the timing)
            var hiddenOut = zeros([rows, 1, model.Config.HiddenSize], model.DType, model.Device);
            var logitsOut = zeros([rows, model.VocabSize], model.DType, model.Device);

            // Each timing starts from the same write slot and positions, so the cache never overflows.
            double Time(Action launch)
            {
                cache.Slot.fill_(promptLength);
                cache.NextPosition.fill_(promptLength);
                for (int i = 0; i < 3; i++) launch();
                cuda.synchronize();
                cache.Slot.fill_(promptLength);
                cache.NextPosition.fill_(promptLength);
                var clock = Stopwatch.StartNew();
                for (int i = 0; i < steps; i++) launch();
                cuda.synchronize();
                return clock.Elapsed.TotalMilliseconds / steps;
            }

            double Replayed(Action step)
            {
                step(); // eager warm-up on the side stream before capture
                using var graph = graphs.Capture(step);
                return Time(graph.Replay);
            }

            void Layers()
            {
                using var s = NewDisposeScope();
                hiddenOut.copy_(model.Hidden(batch.Ids, null, cache));
            }

            void Head()
            {
                using var s = NewDisposeScope();
                logitsOut.copy_(model.Logits(hiddenOut).squeeze(1));
            }

            double eager = Time(() => batch.Step(greedy));
            double eagerSampling = Time(() => batch.Step(sampling));
            double replay = Replayed(() => batch.Step(greedy));
            double replaySampling = Replayed(() => batch.Step(sampling));
            double layers = Replayed(Layers);
            double head = Replayed(Head);
            double pickGreedy = Replayed(() => batch.Pick(logitsOut, greedy));
            double pickSampling = Replayed(() => batch.Pick(logitsOut, sampling));
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < steps; i++) batch.Read();
            double read = clock.Elapsed.TotalMilliseconds / steps;
            double boundMs = 1000 * weightBytes / NominalBandwidth;
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                system = "forge-decode-profile",
                batch = rows,
                kernels = model.Kernels is null ? "off" : model.Kernels.Unavailable(model.Device) is { } off ? $"off: {off}" : "on",
                capacity,
                eager_step_ms = Math.Round(eager, 3),
                eager_sampling_step_ms = Math.Round(eagerSampling, 3),
                graph_step_ms = Math.Round(replay, 3),
                graph_sampling_step_ms = Math.Round(replaySampling, 3),
                layers_ms = Math.Round(layers, 3),
                lm_head_ms = Math.Round(head, 3),
                pick_greedy_ms = Math.Round(pickGreedy, 3),
                pick_sampling_ms = Math.Round(pickSampling, 3),
                read_back_ms = Math.Round(read, 3),
                weight_gb = Math.Round(weightBytes / 1e9, 3),
                bandwidth_bound_ms = Math.Round(boundMs, 3),
                graph_fraction_of_bound = Math.Round(boundMs / replay, 3),
            }));
        }
    }
}
