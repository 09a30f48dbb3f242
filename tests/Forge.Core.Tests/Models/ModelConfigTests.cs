using System.Text.Json.Nodes;
using Forge.Core.Models;
using static TorchSharp.torch;

namespace Forge.Core.Tests.Models;

public class ModelConfigTests
{
    private static ModelConfig Parse(string json) => ModelConfig.Parse((JsonObject)JsonNode.Parse(json)!, "test config");

    private const string Base = """
        "vocab_size": 100, "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2, "num_attention_heads": 8
        """;

    [Fact]
    public void Rope_theta_is_read_at_the_top_level_or_in_rope_parameters()
    {
        Parse($$$"""{"model_type": "llama", {{{Base}}}, "rope_theta": 500000.0}""").RopeTheta.Should().Be(500000);
        Parse($$$"""{"model_type": "qwen2", {{{Base}}}, "rope_parameters": {"rope_theta": 1000000.0, "rope_type": "default"}}""").RopeTheta.Should().Be(1e6);
        Parse($$$"""{"model_type": "llama", {{{Base}}}}""").RopeTheta.Should().Be(10000);
    }

    [Fact]
    public void Dtype_bias_heads_and_tying_follow_the_config()
    {
        var qwen = Parse($$$"""{"model_type": "qwen2", {{{Base}}}, "num_key_value_heads": 2, "torch_dtype": "bfloat16", "tie_word_embeddings": true}""");
        qwen.AttentionBias.Should().BeTrue("Qwen2 always has q/k/v biases");
        qwen.DType.Should().Be(ScalarType.BFloat16);
        qwen.NumKeyValueHeads.Should().Be(2);
        qwen.HeadDim.Should().Be(8);
        qwen.TieWordEmbeddings.Should().BeTrue();

        var llama = Parse($$$"""{"model_type": "llama", {{{Base}}}, "attention_bias": true, "dtype": "float16", "head_dim": 16}""");
        llama.AttentionBias.Should().BeTrue();
        llama.DType.Should().Be(ScalarType.Float16);
        llama.NumKeyValueHeads.Should().Be(8, "no num_key_value_heads means multi-head attention");
        llama.HeadDim.Should().Be(16);
        Parse($$$"""{"model_type": "llama", {{{Base}}}}""").AttentionBias.Should().BeFalse();
    }

    [Fact]
    public void Qwen3_has_query_key_norms_its_own_head_dim_and_bias_only_when_configured()
    {
        var qwen3 = Parse($$$"""{"model_type": "qwen3", {{{Base}}}, "num_key_value_heads": 4, "head_dim": 128, "attention_bias": false}""");
        qwen3.QueryKeyNorm.Should().BeTrue();
        qwen3.HeadDim.Should().Be(128, "Qwen3 states head_dim, unlike hidden / heads");
        qwen3.AttentionBias.Should().BeFalse();
        Parse($$$"""{"model_type": "qwen3", {{{Base}}}}""").AttentionBias.Should().BeFalse("attention_bias defaults to false");
        Parse($$$"""{"model_type": "qwen2", {{{Base}}}}""").QueryKeyNorm.Should().BeFalse();
    }

    [Fact]
    public void Mistral_reads_head_dim_has_no_bias_and_refuses_one()
    {
        var mistral = Parse($$$"""{"model_type": "mistral", {{{Base}}}, "num_key_value_heads": 2, "head_dim": null, "sliding_window": null}""");
        mistral.HeadDim.Should().Be(8, "a null head_dim means hidden / heads");
        mistral.AttentionBias.Should().BeFalse();
        mistral.QueryKeyNorm.Should().BeFalse();
        mistral.MaxPositionEmbeddings.Should().Be(2048);
        Parse($$$"""{"model_type": "mistral", {{{Base}}}, "head_dim": 32}""").HeadDim.Should().Be(32);
        var act = () => Parse($$$"""{"model_type": "mistral", {{{Base}}}, "attention_bias": true}""");
        act.Should().Throw<ForgeDataException>().WithMessage("test config: \"attention_bias\": true is not part of the mistral architecture*");
    }

    [Fact]
    public void A_sliding_window_shorter_than_the_positions_caps_them_and_config_json_keeps_its_value()
    {
        // Mistral v0.1: a 4096-token window over 32768 positions. No sequence longer than the window is then taken, so
        // attention never needs the window.
        var v01 = Parse($$$"""{"model_type": "mistral", {{{Base}}}, "sliding_window": 4096, "max_position_embeddings": 32768}""");
        v01.MaxPositionEmbeddings.Should().Be(4096);
        v01.ToJson(ScalarType.Float32).Should().Contain("\"max_position_embeddings\": 32768");
        Parse($$$"""{"model_type": "mistral", {{{Base}}}, "sliding_window": 65536, "max_position_embeddings": 32768}""").MaxPositionEmbeddings.Should().Be(32768);
        // Qwen's window applies only when use_sliding_window is on (its published configs set it off).
        Parse($$$"""{"model_type": "qwen3", {{{Base}}}, "sliding_window": 4096, "use_sliding_window": false, "max_position_embeddings": 40960}""")
            .MaxPositionEmbeddings.Should().Be(40960);
        Parse($$$"""{"model_type": "qwen2", {{{Base}}}, "sliding_window": 4096, "use_sliding_window": true, "max_position_embeddings": 32768}""")
            .MaxPositionEmbeddings.Should().Be(4096);
    }

    [Fact]
    public void Unknown_model_type_is_refused_naming_the_supported_ones()
    {
        var act = () => Parse($$$"""{"model_type": "gemma3", {{{Base}}}}""");
        act.Should().Throw<ForgeDataException>().WithMessage("test config: model_type \"gemma3\" is not supported (qwen2, qwen3, llama, mistral)");
    }

    [Fact]
    public void Unsupported_rope_type_is_refused_with_the_source_named()
    {
        var act = () => Parse($$$"""{"model_type": "llama", {{{Base}}}, "rope_scaling": {"rope_type": "yarn", "factor": 4}}""");
        act.Should().Throw<ForgeDataException>().WithMessage("test config: rope_type \"yarn\"*");
    }

    [Theory]
    [InlineData("rope_scaling")]
    [InlineData("rope_parameters")]
    public void Llama3_scaling_keeps_short_wavelengths_divides_long_ones_and_blends_between(string key)
    {
        var config = Parse($$$"""
            {"model_type": "llama", {{{Base}}}, "rope_theta": 500000.0, "{{{key}}}": {"rope_type": "llama3", "factor": 8.0,
             "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 8192}}
            """);
        config.RopeScaling.Should().Be(new Llama3RopeScaling(8, 1, 4, 8192));

        using var rotary = new RotaryEmbedding(config.HeadDim, config.RopeTheta, config.RopeScaling, CPU);
        using var positions = tensor(new long[] { 1 }).unsqueeze(0);
        var (cos, sin) = rotary.Tables(positions, ScalarType.Float32);
        using (cos)
        using (sin)
        using (var angles = atan2(sin, cos))
        {
            var got = angles[0, 0].data<float>().ToArray();
            int half = config.HeadDim / 2;
            var bands = new HashSet<string>();
            for (int i = 0; i < half; i++)
            {
                double inverse = 1 / Math.Pow(500000, 2.0 * i / config.HeadDim), wavelength = 2 * Math.PI / inverse;
                (string band, double expected) = wavelength < 8192 / 4.0 ? ("kept", inverse)
                    : wavelength > 8192 / 1.0 ? ("divided", inverse / 8)
                    : ("blended", Blend(inverse, wavelength));
                bands.Add(band);
                // The sin table carries rotate-half's sign on its first half (see RotaryEmbedding.Tables).
                got[i + half].Should().BeApproximately((float)expected, 1e-6f, $"frequency {i} ({band}, wavelength {wavelength:F0})");
                got[i].Should().Be(-got[i + half]);
            }
            bands.Should().BeEquivalentTo(["kept", "divided", "blended"]);
        }

        static double Blend(double inverse, double wavelength)
        {
            double smooth = (8192 / wavelength - 1) / (4 - 1);
            return (1 - smooth) * inverse / 8 + smooth * inverse;
        }
    }

    [Fact]
    public void Saved_config_keeps_unknown_keys_and_writes_dtype()
    {
        var config = Parse($$$"""{"model_type": "qwen2", {{{Base}}}, "torch_dtype": "float32", "use_sliding_window": false}""");
        var written = (JsonObject)JsonNode.Parse(config.ToJson(ScalarType.BFloat16))!;
        written["dtype"]!.GetValue<string>().Should().Be("bfloat16");
        written.ContainsKey("torch_dtype").Should().BeFalse();
        written["use_sliding_window"]!.GetValue<bool>().Should().BeFalse();
    }
}
