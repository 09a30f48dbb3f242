using System.Text.Json;
using Forge.Core.Checkpoints;
using Forge.Core.Models;
using static TorchSharp.torch;

namespace Forge.Plugins.Sampling.Tests;

/// <summary>The transformers fixtures (TestData/models): the checkpoints and their expected greedy decoding.</summary>
internal static class SamplerFixtures
{
    public static readonly string Root = Path.Combine(AppContext.BaseDirectory, "TestData", "models");

    public static readonly JsonElement Expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "expected.json"))).RootElement;

    /// <summary>The fixture model <paramref name="arch"/> on the CPU in float32.</summary>
    public static DecoderModel Load(string arch) => CheckpointLoader.Load(Path.Combine(Root, arch), CPU, ScalarType.Float32);

    /// <summary>Each case's integer list <paramref name="key"/> (prompt_ids, greedy_ids).</summary>
    public static List<int[]> Ints(string arch, string key) =>
        Cases(arch).Select(c => c.GetProperty(key).EnumerateArray().Select(v => v.GetInt32()).ToArray()).ToList();

    /// <summary>Each case's expected greedy log-probs.</summary>
    public static List<double[]> LogProbs(string arch) =>
        Cases(arch).Select(c => c.GetProperty("sequence_logprobs").EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToList();

    /// <summary>The reference cases of <paramref name="arch"/>: its folder's own expected.json (qwen3-tiny, mistral-tiny) or the shared one.</summary>
    private static IEnumerable<JsonElement> Cases(string arch)
    {
        string own = Path.Combine(Root, arch, "expected.json");
        var root = File.Exists(own) ? JsonDocument.Parse(File.ReadAllText(own)).RootElement : Expected.GetProperty(arch);
        return root.GetProperty("cases").EnumerateArray();
    }
}
