using System.Globalization;
using Forge.Core.Artifacts;
using Forge.Core.Devices;
using Forge.Core.Models;
using Forge.GpuChecks;
using static TorchSharp.torch;

// forge-gpu-checks logits MODEL_DIR DEVICE DTYPE IDS OUT
//   Writes the model's logits for the comma-separated token ids IDS (one sequence, no padding) as float32 [T, V],
//   little-endian, to OUT, computed on DEVICE in DTYPE through Forge's own loader and decoder.
// forge-gpu-checks graphs
//   Decodes the same requests with CUDA graphs and eagerly (GraphsVersusEager) and prints one JSON line per case.
if (args.Length == 1 && args[0] == "graphs") return GraphsVersusEager.Run();
if (args.Length != 6 || args[0] != "logits")
{
    Console.Error.WriteLine("usage: Forge.GpuChecks logits MODEL_DIR DEVICE DTYPE IDS OUT | graphs");
    return 2;
}
var device = DeviceSelector.Parse(args[2]);
var dtype = ModelConfig.ParseDType(args[3], "DTYPE");
long[] ids = args[4].Split(',').Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();
using var model = new ModelStore().Load(args[1], device, dtype);
using var noGrad = no_grad();
var input = tensor(ids, [1, ids.Length]).to(device);
var logits = model.Logits(model.Hidden(input)).squeeze(0).to(ScalarType.Float32).cpu().contiguous();
float[] values = logits.data<float>().ToArray();
using var file = File.Create(args[5]);
foreach (float v in values) file.Write(BitConverter.GetBytes(v));
Console.WriteLine($"{{\"tokens\":{ids.Length},\"vocab\":{logits.shape[1]}}}");
return 0;
