using System.Globalization;
using Forge.Contracts.Models;
using Forge.Core.Adapters;
using Forge.Core.Artifacts;
using Forge.Core.Checkpoints;
using Forge.Core.Devices;
using Forge.Core.Models;
using Forge.Cuda.Graphs;
using Forge.GpuChecks;
using static TorchSharp.torch;

// forge-gpu-checks logits MODEL_DIR DEVICE DTYPE IDS OUT [ADAPTER_DIR]
//   Writes the model's logits for the comma-separated token ids IDS (one sequence, no padding) as float32 [T, V],
//   little-endian, to OUT, computed on DEVICE in DTYPE through Forge's own loader and decoder; with ADAPTER_DIR, the
//   PEFT LoRA adapter there runs as a branch beside the base's projections (not merged), as it does in training.
// forge-gpu-checks graphs
//   Decodes the same requests with CUDA graphs and eagerly (GraphsVersusEager) and prints one JSON line per case.
// forge-gpu-checks save MODEL_DIR OUT_DIR
//   Loads MODEL_DIR with Forge's loader (CPU, its own dtype) and saves it to OUT_DIR with Forge's writer.
// forge-gpu-checks kernels
//   Decodes the same requests with the fused kernels and with TorchSharp's operations, and checks the fused token
//   pick (KernelsVersusOps).
// forge-gpu-checks nccl
//   A one-rank NCCL job: what the watchdog sees of an all-reduce the GPU has not reached yet (NcclProgress).
// Models use the fused decoding kernels where they run, as the host does (AddCudaGraphs installs them).
var cudaKernels = new CudaDecodeKernels();
DecodeKernels.Installed = cudaKernels;
if (args.Length == 1 && args[0] == "graphs") return GraphsVersusEager.Run(cudaKernels);
if (args.Length == 1 && args[0] == "nccl") return NcclProgress.Run();
if (args.Length == 1 && args[0] == "kernels") return KernelsVersusOps.Run(cudaKernels, cudaKernels);
if (args.Length == 3 && args[0] == "save")
{
    var config = ModelConfig.Load(Path.Combine(args[1], "config.json"));
    using var loaded = new ModelStore().Load(args[1], CPU, config.DType);
    loaded.Save(args[2]);
    Console.WriteLine($"{{\"saved\":\"{args[2]}\"}}");
    return 0;
}
if (args.Length is not (6 or 7) || args[0] != "logits")
{
    Console.Error.WriteLine("usage: Forge.GpuChecks logits MODEL_DIR DEVICE DTYPE IDS OUT [ADAPTER_DIR] | save MODEL_DIR OUT_DIR | graphs | kernels | nccl");
    return 2;
}
var device = DeviceSelector.Parse(args[2]);
var dtype = ModelConfig.ParseDType(args[3], "DTYPE");
long[] ids = args[4].Split(',').Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();
using ILanguageModel model = args.Length == 7 ? Adapted(args[1], args[6]) : new ModelStore().Load(args[1], device, dtype);
model.Module.eval(); // a LoRA branch's dropout acts in training mode only
using var noGrad = no_grad();
var input = tensor(ids, [1, ids.Length]).to(device);
var logits = model.Logits(model.Hidden(input)).squeeze(0).to(ScalarType.Float32).cpu().contiguous();
float[] values = logits.data<float>().ToArray();
using var file = File.Create(args[5]);
foreach (float v in values) file.Write(BitConverter.GetBytes(v));
Console.WriteLine($"{{\"tokens\":{ids.Length},\"vocab\":{logits.shape[1]}}}");
return 0;

ILanguageModel Adapted(string baseDir, string adapterDir)
{
    var decoder = CheckpointLoader.Load(baseDir, device, dtype);
    return new AdaptedModel(decoder, PeftAdapterFolder.Load(adapterDir, decoder), baseDir);
}
