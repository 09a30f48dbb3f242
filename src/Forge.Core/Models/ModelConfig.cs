using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Forge.Core.Models;

/// <summary>Llama-3 style frequency-dependent RoPE scaling (<c>rope_type: llama3</c>).</summary>
public sealed record Llama3RopeScaling(double Factor, double LowFreqFactor, double HighFreqFactor, int OriginalMaxPositionEmbeddings);

/// <summary>
/// The decoder's shape, mirroring a Hugging Face <c>config.json</c> of a Qwen2, Qwen3, Llama or Mistral model. Unknown
/// keys are kept so that a saved checkpoint round-trips them.
/// </summary>
public sealed record ModelConfig
{
    /// <summary>The architectures Forge builds, by their Hugging Face <c>model_type</c>.</summary>
    public static readonly IReadOnlyList<string> SupportedModelTypes = ["qwen2", "qwen3", "llama", "mistral"];

    /// <summary><c>qwen2</c>, <c>qwen3</c>, <c>llama</c> or <c>mistral</c>.</summary>
    public required string ModelType { get; init; }
    /// <summary>Size of the vocabulary.</summary>
    public required int VocabSize { get; init; }
    /// <summary>Width of the residual stream.</summary>
    public required int HiddenSize { get; init; }
    /// <summary>Width of the MLP.</summary>
    public required int IntermediateSize { get; init; }
    /// <summary>Decoder layers.</summary>
    public required int NumHiddenLayers { get; init; }
    /// <summary>Query heads.</summary>
    public required int NumAttentionHeads { get; init; }
    /// <summary>Key/value heads (grouped-query attention when fewer than query heads).</summary>
    public required int NumKeyValueHeads { get; init; }
    /// <summary>Width of one head.</summary>
    public required int HeadDim { get; init; }
    /// <summary>RMSNorm epsilon.</summary>
    public double RmsNormEps { get; init; } = 1e-6;
    /// <summary>RoPE base.</summary>
    public double RopeTheta { get; init; } = 10000;
    /// <summary>Llama-3 RoPE scaling, when configured.</summary>
    public Llama3RopeScaling? RopeScaling { get; init; }
    /// <summary>
    /// Longest sequence the model takes: <c>max_position_embeddings</c>, or the sliding window when one is configured and
    /// shorter (a sequence no longer than the window attends exactly as with it; config.json keeps its own value).
    /// </summary>
    public int MaxPositionEmbeddings { get; init; } = 2048;
    /// <summary>LM head shares the embedding matrix.</summary>
    public bool TieWordEmbeddings { get; init; }
    /// <summary>Bias on the q, k, v projections (always for Qwen2; <c>attention_bias</c> for Llama and Qwen3; never for Mistral).</summary>
    public bool AttentionBias { get; init; }
    /// <summary>Per-head RMSNorm of queries and keys before RoPE (Qwen3's q_norm/k_norm, weight of size <see cref="HeadDim"/>).</summary>
    public bool QueryKeyNorm { get; init; }
    /// <summary>Weights' dtype as saved.</summary>
    public ScalarType DType { get; init; } = ScalarType.Float32;
    /// <summary>End-of-sequence ids declared by the config.</summary>
    public IReadOnlyList<int> EosTokenIds { get; init; } = [];
    /// <summary>The parsed file, for writing back keys this record does not model.</summary>
    public JsonObject Raw { get; init; } = [];

    /// <summary>Reads and validates <paramref name="path"/>; every problem is a one-line <see cref="ForgeDataException"/>.</summary>
    public static ModelConfig Load(string path)
    {
        JsonObject raw;
        try
        {
            raw = JsonNode.Parse(Data.BoundedFile.ReadAllText(path, Data.BoundedFile.SmallJsonBytes, "config.json")) as JsonObject ?? throw new ForgeDataException($"{path}: expected a JSON object");
        }
        catch (JsonException ex)
        {
            throw new ForgeDataException($"{path}: invalid JSON ({Data.JsonErrors.Describe(ex)})");
        }
        return Parse(raw, path);
    }

    /// <summary>Parses a config object; <paramref name="source"/> names it in errors.</summary>
    public static ModelConfig Parse(JsonObject raw, string source)
    {
        var reader = new ConfigReader(raw, source);
        string modelType = reader.String("model_type") ?? throw new ForgeDataException($"{source}: missing key \"model_type\"");
        if (!SupportedModelTypes.Contains(modelType))
            throw new ForgeDataException($"{source}: model_type \"{modelType}\" is not supported ({string.Join(", ", SupportedModelTypes)})");
        int hidden = reader.Int("hidden_size", 1, 1 << 16);
        int heads = reader.Int("num_attention_heads", 1, 1024);
        int kvHeads = reader.OptionalInt("num_key_value_heads", 1, 1024) ?? heads;
        if (heads % kvHeads != 0)
            throw new ForgeDataException($"{source}: num_attention_heads ({heads}) is not a multiple of num_key_value_heads ({kvHeads})");
        int? headDim = reader.OptionalInt("head_dim", 1, 4096);
        if (headDim is null && hidden % heads != 0)
            throw new ForgeDataException($"{source}: hidden_size ({hidden}) is not divisible by num_attention_heads ({heads})");
        var rope = raw["rope_parameters"] as JsonObject ?? raw["rope_scaling"] as JsonObject;
        double theta = reader.OptionalDouble("rope_theta") ?? (rope is null ? null : new ConfigReader(rope, source + " rope_parameters").OptionalDouble("rope_theta")) ?? 10000;
        if (!(theta > 0)) throw new ForgeDataException($"{source}: rope_theta must be positive");
        int vocab = reader.Int("vocab_size", 1, 1 << 24);
        bool bias = modelType switch
        {
            "qwen2" => true,
            "mistral" when reader.OptionalBool("attention_bias") == true =>
                throw new ForgeDataException($"{source}: \"attention_bias\": true is not part of the mistral architecture (transformers ignores it); remove it"),
            "mistral" => false,
            _ => reader.OptionalBool("attention_bias") ?? false,
        };
        int maxPositions = reader.OptionalInt("max_position_embeddings", 1, 1 << 24) ?? 2048;
        return new ModelConfig
        {
            ModelType = modelType,
            VocabSize = vocab,
            HiddenSize = hidden,
            IntermediateSize = reader.Int("intermediate_size", 1, 1 << 20),
            NumHiddenLayers = reader.Int("num_hidden_layers", 1, 1024),
            NumAttentionHeads = heads,
            NumKeyValueHeads = kvHeads,
            HeadDim = headDim ?? hidden / heads,
            RmsNormEps = reader.OptionalDouble("rms_norm_eps") ?? 1e-6,
            RopeTheta = theta,
            RopeScaling = ParseLlama3(rope, source),
            MaxPositionEmbeddings = Math.Min(maxPositions, SlidingWindow(reader, modelType) ?? int.MaxValue),
            TieWordEmbeddings = reader.OptionalBool("tie_word_embeddings") ?? false,
            AttentionBias = bias,
            QueryKeyNorm = modelType == "qwen3",
            DType = ParseDType(reader.String("dtype") ?? reader.String("torch_dtype") ?? "float32", source),
            EosTokenIds = reader.TokenIds("eos_token_id", vocab),
            Raw = raw,
        };
    }

    /// <summary>The config as Hugging Face writes it, with <c>dtype</c> set to <paramref name="dtype"/>.</summary>
    public string ToJson(ScalarType dtype)
    {
        var copy = (JsonObject)Raw.DeepClone();
        copy["dtype"] = DTypeName(dtype);
        copy.Remove("torch_dtype");
        return copy.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>The Hugging Face name of a dtype.</summary>
    public static string DTypeName(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => "float32",
        ScalarType.BFloat16 => "bfloat16",
        ScalarType.Float16 => "float16",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unsupported model dtype"),
    };

    /// <summary>Parses <c>float32</c>, <c>bfloat16</c>, <c>float16</c> (also <c>fp32</c>, <c>bf16</c>, <c>fp16</c>).</summary>
    public static ScalarType ParseDType(string name, string source) => name.ToLowerInvariant() switch
    {
        "float32" or "fp32" or "float" => ScalarType.Float32,
        "bfloat16" or "bf16" => ScalarType.BFloat16,
        "float16" or "fp16" or "half" => ScalarType.Float16,
        _ => throw new ForgeDataException($"{source}: unsupported dtype \"{name}\" (float32, bfloat16, float16)"),
    };

    /// <summary>
    /// The attention window, when the model uses one: Mistral's <c>sliding_window</c> (null in v0.2 and later, 4096 in
    /// v0.1); Qwen's only with <c>use_sliding_window</c> true (its published configs set it false).
    /// </summary>
    private static int? SlidingWindow(ConfigReader reader, string modelType) => modelType switch
    {
        "mistral" => reader.OptionalInt("sliding_window", 1, int.MaxValue),
        "qwen2" or "qwen3" when reader.OptionalBool("use_sliding_window") == true => reader.OptionalInt("sliding_window", 1, int.MaxValue),
        _ => null,
    };

    private static Llama3RopeScaling? ParseLlama3(JsonObject? rope, string source)
    {
        if (rope is null) return null;
        var reader = new ConfigReader(rope, source + " rope scaling");
        string? type = reader.String("rope_type") ?? reader.String("type");
        if (type is null or "default") return null;
        if (type != "llama3") throw new ForgeDataException($"{source}: rope_type \"{type}\" is not supported (default, llama3)");
        return new Llama3RopeScaling(
            reader.OptionalDouble("factor") ?? 8, reader.OptionalDouble("low_freq_factor") ?? 1,
            reader.OptionalDouble("high_freq_factor") ?? 4, reader.OptionalInt("original_max_position_embeddings", 1, 1 << 24) ?? 8192);
    }

    /// <summary>Typed, range-checked access to config keys with errors that name the file and key.</summary>
    private sealed class ConfigReader(JsonObject raw, string source)
    {
        public string? String(string key) => raw[key] is JsonValue v && v.TryGetValue(out string? s) ? s : null;

        public bool? OptionalBool(string key) => raw[key] switch
        {
            null => null,
            JsonValue v when v.TryGetValue(out bool b) => b,
            _ => throw new ForgeDataException($"{source}: \"{key}\" must be true or false"),
        };

        public double? OptionalDouble(string key) => raw[key] switch
        {
            null => null,
            JsonValue v when v.TryGetValue(out double d) && double.IsFinite(d) => d,
            _ => throw new ForgeDataException($"{source}: \"{key}\" must be a number"),
        };

        /// <summary>A token id or a list of them (Hugging Face writes either), each below <paramref name="vocab"/>; none when absent or null.</summary>
        public IReadOnlyList<int> TokenIds(string key, int vocab)
        {
            var items = raw[key] switch
            {
                null => [],
                JsonArray list => list.ToList(),
                var single => [single],
            };
            var ids = new List<int>(items.Count);
            foreach (var item in items)
            {
                if (item is not JsonValue v || v.GetValueKind() != JsonValueKind.Number || !v.TryGetValue(out double d) || d != Math.Floor(d) || d < 0 || d >= vocab)
                    throw new ForgeDataException($"{source}: \"{key}\" must be a token id or a list of token ids (integers from 0 to {vocab - 1}), not {Abbreviate(raw[key]!.ToJsonString())}");
                ids.Add((int)d);
            }
            return ids;
        }

        private static string Abbreviate(string json) => json.Length <= 40 ? json : json[..37] + "...";

        public int Int(string key, int min, int max) =>
            OptionalInt(key, min, max) ?? throw new ForgeDataException($"{source}: missing key \"{key}\"");

        public int? OptionalInt(string key, int min, int max)
        {
            if (raw[key] is null) return null;
            if (raw[key] is not JsonValue v || !v.TryGetValue(out double d) || d != Math.Floor(d))
                throw new ForgeDataException($"{source}: \"{key}\" must be an integer");
            if (d < min || d > max)
                throw new ForgeDataException($"{source}: \"{key}\" is {d.ToString(CultureInfo.InvariantCulture)}, outside [{min}, {max}]");
            return (int)d;
        }
    }
}
