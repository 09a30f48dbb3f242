using System.Text.Json.Nodes;
using Forge.Core.Artifacts;
using Forge.Core.Checkpoints;
using Forge.Core.Models;
using static TorchSharp.torch;

namespace Forge.Core.Tests.Models;

/// <summary>
/// Qwen3 and Mistral against <see cref="NaiveDecoder"/> (itself checked against transformers on the qwen2 and llama
/// fixtures), through a Hugging Face folder saved by Forge and loaded back.
/// </summary>
public class ArchitectureTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "forge-arch-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    // Qwen3-0.6B's layout in small: head_dim 16 although hidden / heads is 8, GQA 2:1, no QKV bias, tied embeddings.
    private const string Qwen3 = """
        {"architectures": ["Qwen3ForCausalLM"], "model_type": "qwen3", "vocab_size": 61, "hidden_size": 32, "intermediate_size": 48,
         "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 16, "attention_bias": false,
         "rms_norm_eps": 1e-6, "rope_theta": 1000000.0, "max_position_embeddings": 128, "tie_word_embeddings": true,
         "use_sliding_window": false, "sliding_window": null, "max_window_layers": 28}
        """;

    // Mistral v0.3 / Nemo style: explicit head_dim unlike hidden / heads, GQA 4:1, untied head, no sliding window.
    private const string Mistral = """
        {"architectures": ["MistralForCausalLM"], "model_type": "mistral", "vocab_size": 61, "hidden_size": 32, "intermediate_size": 40,
         "num_hidden_layers": 2, "num_attention_heads": 8, "num_key_value_heads": 2, "head_dim": 8, "rms_norm_eps": 1e-5,
         "rope_theta": 1000000.0, "max_position_embeddings": 128, "tie_word_embeddings": false, "sliding_window": null}
        """;

    public static TheoryData<string> Fixtures => new() { "qwen2", "llama" };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void The_naive_reference_gives_transformers_logits(string arch)
    {
        var weights = TensorFile.Read(Path.Combine(ModelFixtures.Root, arch, "model.safetensors"));
        var config = (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(ModelFixtures.Root, arch, "config.json")))!;
        foreach (var c in ModelFixtures.Cases(arch).Take(2))
        {
            using var logits = NaiveDecoder.Logits(weights, config, ModelFixtures.Ints(c.GetProperty("prompt_ids")));
            logits[-1].data<double>().ToArray().Should().Equal(ModelFixtures.Doubles(c.GetProperty("logits_last")), (a, b) => Math.Abs(a - b) < 1e-4);
        }
        foreach (var w in weights.Values) w.Dispose();
    }

    [Theory]
    [InlineData("qwen3")]
    [InlineData("mistral")]
    public void Saved_folder_loads_back_and_matches_the_naive_reference(string arch)
    {
        string folder = SaveRandom(arch == "qwen3" ? Qwen3 : Mistral, seed: 7);
        var names = SafetensorsHeader.Read(Path.Combine(folder, "model.safetensors")).Entries.Select(e => e.Name).ToHashSet();
        string[] attention = arch == "qwen3" ? ["q_proj", "k_proj", "v_proj", "o_proj", "q_norm", "k_norm"] : ["q_proj", "k_proj", "v_proj", "o_proj"];
        string[] layerNames =
        [
            .. attention.Select(a => $"self_attn.{a}.weight"), "mlp.gate_proj.weight", "mlp.up_proj.weight", "mlp.down_proj.weight",
            "input_layernorm.weight", "post_attention_layernorm.weight",
        ];
        string[] expectedNames =
        [
            "model.embed_tokens.weight", "model.norm.weight", .. arch == "mistral" ? new[] { "lm_head.weight" } : [],
            .. Enumerable.Range(0, 2).SelectMany(l => layerNames.Select(n => $"model.layers.{l}.{n}")),
        ];
        names.Should().BeEquivalentTo(expectedNames, "transformers' names, no biases");

        var weights = TensorFile.Read(Path.Combine(folder, "model.safetensors"));
        if (arch == "qwen3") weights["model.layers.0.self_attn.q_norm.weight"].shape.Should().Equal([16L]);
        var config = (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "config.json")))!;
        long[] ids = [5, 17, 3, 42, 60, 0, 9, 33, 12, 7, 28];
        using var reference = NaiveDecoder.Logits(weights, config, ids);
        using var model = CheckpointLoader.Load(folder, CPU, ScalarType.Float32);
        using var noGrad = no_grad();
        using var logits = model.Logits(model.Hidden(tensor(ids).unsqueeze(0)))[0].to(float64);
        logits.allclose(reference, rtol: 0, atol: 1e-4).Should().BeTrue($"max difference {(logits - reference).abs().max().item<double>():E2}");
        foreach (var w in weights.Values) w.Dispose();
    }

    [Fact]
    public void Qwen3_query_and_key_norms_change_the_logits()
    {
        // A guard for the test above: were q_norm/k_norm skipped in the forward, scaling them would change nothing.
        string folder = SaveRandom(Qwen3, seed: 7);
        using var model = CheckpointLoader.Load(folder, CPU, ScalarType.Float32);
        using var noGrad = no_grad();
        using var ids = tensor(new long[] { 5, 17, 3, 42 }).unsqueeze(0);
        using var before = model.Logits(model.Hidden(ids));
        model.layers[1].attention.key_norm!.weight.mul_(3);
        using var after = model.Logits(model.Hidden(ids));
        (after - before).abs().max().item<float>().Should().BeGreaterThan(1e-3f);
    }

    [Fact]
    public void Cached_decoding_equals_full_forward_for_qwen3()
    {
        string folder = SaveRandom(Qwen3, seed: 11);
        using var model = CheckpointLoader.Load(folder, CPU, ScalarType.Float32);
        using var noGrad = no_grad();
        long[] prompt = [1, 2, 3, 4, 5];
        long[] expected = ModelFixtures.GreedyWithoutCache(model, prompt, 8);
        ModelFixtures.GreedyWithCache(model, prompt, expected.Length).Should().Equal(expected);
    }

    /// <summary>A random model of <paramref name="configJson"/> with norm weights drawn around one, saved by Forge.</summary>
    private string SaveRandom(string configJson, long seed)
    {
        using var model = (DecoderModel)new ModelStore().Create(configJson, CPU, ScalarType.Float32, seed);
        using (no_grad())
            foreach (var (name, p) in model.named_parameters())
                if (name.EndsWith("norm.weight", StringComparison.Ordinal)) p.copy_(1 + 0.3 * randn_like(p));
        string folder = Path.Combine(_dir, model.Config.ModelType + "-" + seed);
        model.Save(folder);
        return folder;
    }
}
