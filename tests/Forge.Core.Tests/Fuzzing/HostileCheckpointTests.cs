using System.Diagnostics;
using System.Text.Json.Nodes;
using Forge.Core.Checkpoints;
using Forge.Core.Models;
using static TorchSharp.torch;

namespace Forge.Core.Tests.Fuzzing;

/// <summary>
/// Checkpoint folders that lie: a config claiming sizes its weights do not have, weights holding NaN or infinity, an
/// eos_token_id that is not a token id. Each is one line naming the file and the key or tensor — before any memory
/// is allocated for a model the weights cannot fill.
/// </summary>
public sealed class HostileCheckpointTests : IDisposable
{
    private static readonly string Source = Path.Combine(AppContext.BaseDirectory, "TestData", "models", "qwen2");
    private readonly string _dir = Directory.CreateTempSubdirectory("forge-checkpoint-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>The qwen2 fixture (400 KB) with config.json edited by <paramref name="edit"/>.</summary>
    private string Folder(Action<JsonObject>? edit = null)
    {
        var config = (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(Source, "config.json")))!;
        edit?.Invoke(config);
        File.WriteAllText(Path.Combine(_dir, "config.json"), config.ToJsonString());
        File.Copy(Path.Combine(Source, "model.safetensors"), Path.Combine(_dir, "model.safetensors"), overwrite: true);
        return _dir;
    }

    [Fact]
    public void A_config_claiming_huge_sizes_is_compared_with_the_weights_before_anything_is_allocated()
    {
        // As built, this model's fused gate/up projection alone would be 2^21 x 2^16 floats (512 GiB) per layer.
        string folder = Folder(c =>
        {
            c["hidden_size"] = 65536;
            c["intermediate_size"] = 1 << 20;
            c["num_hidden_layers"] = 64;
        });
        var clock = Stopwatch.StartNew();

        var act = () => CheckpointLoader.Load(folder, CPU, ScalarType.Float32);

        act.Should().Throw<ForgeDataException>()
            .WithMessage($"{Path.Combine(folder, "model.safetensors")}: tensor \"model.embed_tokens.weight\" has shape [400, 64], the config needs [400, 65536]");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Weights_that_cannot_fit_in_memory_are_refused_with_their_size_before_allocating()
    {
        var config = ModelConfig.Load(Path.Combine(Folder(c =>
        {
            c["hidden_size"] = 65536;
            c["intermediate_size"] = 1 << 20;
            c["num_hidden_layers"] = 64;
        }), "config.json"));

        var act = () => ModelMemory.Require(config, ScalarType.Float32, CPU, "model config");

        act.Should().Throw<ForgeDataException>()
            .WithMessage("model config: a qwen2 model of this config needs * GiB for its weights in float32, more than this machine's * of memory");
    }

    [Fact]
    public void The_shapes_checked_before_loading_are_the_shapes_loaded()
    {
        foreach (string arch in new[] { "qwen2", "llama" })
        {
            var config = ModelConfig.Load(Path.Combine(AppContext.BaseDirectory, "TestData", "models", arch, "config.json"));
            foreach (var tied in new[] { config, config with { TieWordEmbeddings = !config.TieWordEmbeddings } })
            {
                using var model = new DecoderModel(tied, CPU, ScalarType.Float32, initialize: false);
                WeightMap.Shapes(tied).Select(s => $"{s.Name} [{string.Join(",", s.Shape)}]").Should()
                    .Equal(WeightMap.Slots(model).Select(s => $"{s.Name} [{string.Join(",", s.Shape)}]"), arch);
            }
        }
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void A_weight_holding_nan_or_infinity_is_refused_naming_the_tensor(float value)
    {
        string folder = Folder();
        string weights = Path.Combine(folder, "model.safetensors");
        var header = SafetensorsHeader.Read(weights);
        var norm = header.Entries.Single(e => e.Name == "model.layers.1.post_attention_layernorm.weight");
        using (var stream = new FileStream(weights, FileMode.Open, FileAccess.Write))
        {
            stream.Seek(header.DataStart + norm.Begin + 4 * 5, SeekOrigin.Begin);
            stream.Write(BitConverter.GetBytes(value));
        }

        var act = () => CheckpointLoader.Load(folder, CPU, ScalarType.Float32);

        act.Should().Throw<ForgeDataException>()
            .WithMessage($"{weights}: tensor \"model.layers.1.post_attention_layernorm.weight\" holds NaN or infinite values (as float32)");
    }

    [Theory]
    [InlineData("\"2\"")]
    [InlineData("2.5")]
    [InlineData("{\"id\": 2}")]
    [InlineData("[1, null]")]
    [InlineData("[1, \"2\"]")]
    [InlineData("-1")]
    [InlineData("400")]
    [InlineData("true")]
    public void An_eos_token_id_that_is_not_a_token_id_names_config_json_and_the_key(string value)
    {
        string folder = Folder(c => c["eos_token_id"] = JsonNode.Parse(value));
        string config = Path.Combine(folder, "config.json");

        var act = () => ModelConfig.Load(config);

        act.Should().Throw<ForgeDataException>()
            .WithMessage($"{config}: \"eos_token_id\" must be a token id or a list of token ids (integers from 0 to 399), not *").Which.Message.Should().NotContain("\n");
    }

    [Theory]
    [InlineData("null", new int[0])]
    [InlineData("7", new[] { 7 })]
    [InlineData("[7, 399]", new[] { 7, 399 })]
    [InlineData("3.0", new[] { 3 })]
    public void A_token_id_or_a_list_of_them_is_read(string value, int[] ids)
    {
        string folder = Folder(c => c["eos_token_id"] = JsonNode.Parse(value));
        ModelConfig.Load(Path.Combine(folder, "config.json")).EosTokenIds.Should().Equal(ids);
    }
}
