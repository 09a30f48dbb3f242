using System.Diagnostics;
using System.Text.Json;
using Forge.Contracts.Sampling;
using Forge.Contracts.Training;
using Forge.Core.Artifacts;
using Forge.Core.Devices;
using Forge.Core.Models;
using Forge.Cuda.Graphs;
using Forge.Core.Training;
using Forge.Plugins.Grpo;
using Forge.Plugins.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace Forge.Bench;

/// <summary>
/// One GRPO step as shared/tools/peer_grpo_step.py does it: sample G completions for each prompt to full length,
/// a deterministic reward of the token ids, reference log-probs, then the clipped loss with KL, backward in
/// micro-batches, clipping and one AdamW update.
/// </summary>
internal static class GrpoStepBench
{
    public static void Run(Args args)
    {
        string shape = args.Get("shape", "tiny");
        int prompts = args.Int("prompts", 16), group = args.Int("group", 8), promptLength = args.Int("prompt-len", 128);
        int newTokens = args.Int("new-tokens", 256), steps = args.Int("steps", 3), micro = args.Int("micro", 16);
        double beta = args.Double("beta", 0.04), eps = args.Double("eps", 0.2);
        using var policy = Shapes.Create(args);
        var device = policy.Device;
        // --mirror-ranks N: this process as rank 0 of N data-parallel ranks (--prompts is its share), the peers mirrored
        // (MirroredPeers); --shard-optimizer: ZeRO-1 over those ranks.
        int mirrorRanks = args.Int("mirror-ranks", 1);
        using var peers = mirrorRanks > 1 ? new MirroredPeers(mirrorRanks, device) : null;
        // --no-master-weights: AdamW on the bf16 weights with bf16 state, as the peer; --activation-checkpointing: per layer.
        using var context = new TrainingContext(policy, new TrainingOptions
        {
            LearningRate = 1e-6, MaxGradNorm = 1.0, MicroBatchSize = micro, LogitsChunk = args.Int("logits-chunk", 256),
            MasterWeights = !args.Flag("no-master-weights"), ActivationCheckpointing = args.Flag("activation-checkpointing"),
            ShardOptimizer = args.Flag("shard-optimizer"),
        }, communicator: peers);
        var optimizer = new GrpoOptimizer(new GrpoOptions { Beta = beta, EpsilonLow = eps, EpsilonHigh = eps, LossType = GrpoLossType.Grpo });
        using var sampler = new KvCacheSampler(new SamplerOptions { MaxBatchRows = 4096, CudaGraphs = Enum.Parse<CudaGraphMode>(args.Get("graphs", "auto"), ignoreCase: true) }, new CudaGraphs(), picker: BenchKernels.Picker(args.Get("kernels", "on")));
        var tokenizer = new BenchTokenizer(policy.VocabSize);
        var random = new Random(0);
        var rows = new List<(double Generate, double Update, double Step)>();
        var diagnostics = (Queue: 0.0, Forward: 0.0, Optimizer: 0.0);
        // libtorch's allocator over the timed steps: the most live tensors held, the most it reserved, what a step keeps.
        var memory = new CudaMemory();
        var peaks = (Allocated: 0L, Reserved: 0L, Kept: 0L);

        for (int step = 0; step <= steps; step++)
        {
            var promptIds = Shapes.RandomPrompts(random, prompts, promptLength, policy.VocabSize);
            Sync(device);
            if (step > 0) memory.ResetPeaks(device);
            var clock = Stopwatch.StartNew();
            var completions = sampler.Sample(new SamplingRequest(policy, tokenizer, promptIds, group,
                new GenerationSettings { MaxNewTokens = newTokens }, step));
            Sync(device);
            double generate = clock.Elapsed.TotalSeconds;

            using var scope = NewDisposeScope();
            var rewards = tensor(completions.Select(c => c.TokenIds.Count(t => t % 7 == 0) / (double)c.TokenIds.Count).ToArray(), float64).to(device);
            var batch = RolloutBuilder.Build(promptIds, completions, tokenizer.PadTokenId, device);
            var rollout = new Rollout(batch, RolloutBuilder.OldLogProbs(completions, device), rewards, zeros(completions.Count, ScalarType.Bool, device), group)
            {
                MaxCompletionLength = newTokens,
            };
            policy.train();
            optimizer.Step(rollout, context);
            Sync(device);
            double total = clock.Elapsed.TotalSeconds;
            if (step > 0) rows.Add((generate, total - generate, total));
            if (step > 0 && memory.Read(device) is { } stats)
                peaks = (Math.Max(peaks.Allocated, stats.PeakAllocated), Math.Max(peaks.Reserved, stats.PeakReserved), stats.Allocated);
            if (step == steps) diagnostics = Diagnose(context, batch, micro, device);
        }

        double Median(Func<(double Generate, double Update, double Step), double> pick) => rows.Select(pick).Order().ElementAt(rows.Count / 2);
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            system = "forge-grpo-step",
            shape,
            prompts,
            group,
            prompt_len = promptLength,
            new_tokens = newTokens,
            beta,
            master_weights = !args.Flag("no-master-weights"),
            activation_checkpointing = args.Flag("activation-checkpointing"),
            mirror_ranks = mirrorRanks,
            shard_optimizer = args.Flag("shard-optimizer"),
            generate_s = Math.Round(Median(r => r.Generate), 3),
            update_s = Math.Round(Median(r => r.Update), 3),
            step_s = Math.Round(Median(r => r.Step), 3),
            // After the timed steps: one micro-batch's policy forward pass, queued (CPU) and run (GPU; close to the
            // queue time when launch-bound), and one optimizer step alone (clipping, AdamW, zeroing).
            forward_queue_s = Math.Round(diagnostics.Queue, 4),
            forward_s = Math.Round(diagnostics.Forward, 4),
            optimizer_step_s = Math.Round(diagnostics.Optimizer, 4),
            peak_allocated_mib = peaks.Allocated >> 20,
            peak_reserved_mib = peaks.Reserved >> 20,
            allocated_at_step_end_mib = peaks.Kept >> 20,
            graphs = sampler.GraphsOff is null ? $"on ({sampler.CapturedGraphs} captured)" : $"off: {sampler.GraphsOff}",
        }));
    }

    private static (double Queue, double Forward, double Optimizer) Diagnose(TrainingContext context, TokenBatch batch, int micro, Device device)
    {
        using var scope = NewDisposeScope();
        using var slice = batch.Slice(0, Math.Min(micro, batch.RowCount));
        Sync(device);
        var clock = Stopwatch.StartNew();
        var logProbs = context.Evaluate(context.Policy, slice).LogProbs;
        double queue = clock.Elapsed.TotalSeconds;
        Sync(device);
        double forward = clock.Elapsed.TotalSeconds;
        context.Backward(-logProbs.mean());
        Sync(device);
        clock.Restart();
        context.OptimizerStep();
        Sync(device);
        return (queue, forward, clock.Elapsed.TotalSeconds);
    }

    private static void Sync(Device device)
    {
        if (device.type == DeviceType.CUDA) cuda.synchronize();
    }
}
