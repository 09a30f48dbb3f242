using System.Text.Json;
using Forge.Core.Checkpoints;
using Forge.Core.Models;
using static TorchSharp.torch;

namespace Forge.Core.Tests.Models;

/// <summary>
/// The Hugging Face reference models and outputs: qwen2 and llama from shared/fixtures (cases in TestData/models/expected.json),
/// qwen3-tiny and mistral-tiny from tests/gpu/fixtures/architectures.py (cases in the folder's own expected.json).
/// </summary>
internal static class ModelFixtures
{
    public static readonly string Root = Path.Combine(AppContext.BaseDirectory, "TestData", "models");

    public static readonly JsonElement Expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "expected.json"))).RootElement;

    public static DecoderModel Load(string arch, ScalarType dtype = ScalarType.Float32) => CheckpointLoader.Load(Path.Combine(Root, arch), CPU, dtype);

    public static IEnumerable<JsonElement> Cases(string arch)
    {
        string own = Path.Combine(Root, arch, "expected.json");
        if (File.Exists(own)) return JsonDocument.Parse(File.ReadAllText(own)).RootElement.GetProperty("cases").EnumerateArray().ToList();
        if (!Expected.TryGetProperty(arch, out var shared))
            throw new FileNotFoundException($"no reference cases for \"{arch}\": make them with tests/gpu/fixtures/architectures.sh on the GPU machine and copy $OUT/fixtures/{arch} to {Path.Combine("tests/Forge.Core.Tests/TestData/models", arch)}");
        return shared.GetProperty("cases").EnumerateArray();
    }

    public static long[] Ints(JsonElement e) => e.EnumerateArray().Select(v => v.GetInt64()).ToArray();

    public static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    /// <summary>Greedy continuation by full forward passes (no cache): the simplest possible reference.</summary>
    public static long[] GreedyWithoutCache(DecoderModel model, long[] prompt, int steps)
    {
        var ids = prompt.ToList();
        using var noGrad = no_grad();
        for (int i = 0; i < steps; i++)
        {
            using var scope = NewDisposeScope();
            var logits = model.Logits(model.Hidden(tensor(ids.ToArray()).unsqueeze(0)));
            ids.Add(logits[0, -1].argmax().item<long>());
        }
        return ids.Skip(prompt.Length).ToArray();
    }

    /// <summary><paramref name="steps"/> greedy tokens after <paramref name="prompt"/>, decoded one at a time through a KV cache.</summary>
    public static long[] GreedyWithCache(DecoderModel model, long[] prompt, int steps)
    {
        using var noGrad = no_grad();
        using var cache = model.CreateCache(1, prompt.Length + steps);
        var logits = model.Logits(model.Hidden(tensor(prompt).unsqueeze(0), null, cache))[0, -1];
        var produced = new List<long>();
        for (int i = 0; i < steps; i++)
        {
            long next = logits.argmax().item<long>();
            produced.Add(next);
            logits = model.Logits(model.Hidden(tensor(new[] { next }).unsqueeze(0), null, cache))[0, -1];
        }
        return produced.ToArray();
    }
}
