using Forge.Core.Models;
using static TorchSharp.torch;

namespace Forge.Core.Checkpoints;

/// <summary>One Hugging Face tensor and the slice of a Forge parameter that holds it.</summary>
/// <param name="Name">Hugging Face name, e.g. <c>model.layers.0.self_attn.q_proj.weight</c>.</param>
/// <param name="Shape">Its shape.</param>
/// <param name="Target">The parameter slice it fills (a view; q/k/v and gate/up share fused parameters).</param>
public sealed record WeightSlot(string Name, long[] Shape, Tensor Target);

/// <summary>
/// The correspondence between Hugging Face Qwen2/Qwen3/Llama/Mistral tensor names and <see cref="DecoderModel"/> parameters, used
/// for loading and saving alike so the two can never disagree.
/// </summary>
public static class WeightMap
{
    /// <summary>Every Hugging Face tensor the model has, with the parameter view it lives in.</summary>
    public static IEnumerable<WeightSlot> Slots(DecoderModel model)
    {
        var c = model.Config;
        long q = c.NumAttentionHeads * c.HeadDim, kv = c.NumKeyValueHeads * c.HeadDim, inter = c.IntermediateSize;
        yield return Whole("model.embed_tokens.weight", model.embedding.weight!);
        for (int i = 0; i < c.NumHiddenLayers; i++)
        {
            var layer = model.layers[i];
            string p = $"model.layers.{i}.";
            var qkv = layer.attention.qkv;
            yield return Rows(p + "self_attn.q_proj.weight", qkv.weight!, 0, q);
            yield return Rows(p + "self_attn.k_proj.weight", qkv.weight!, q, kv);
            yield return Rows(p + "self_attn.v_proj.weight", qkv.weight!, q + kv, kv);
            if (qkv.bias is { } bias)
            {
                yield return Rows(p + "self_attn.q_proj.bias", bias, 0, q);
                yield return Rows(p + "self_attn.k_proj.bias", bias, q, kv);
                yield return Rows(p + "self_attn.v_proj.bias", bias, q + kv, kv);
            }
            yield return Whole(p + "self_attn.o_proj.weight", layer.attention.output.weight!);
            if (layer.attention is { query_norm: { } qNorm, key_norm: { } kNorm })
            {
                yield return Whole(p + "self_attn.q_norm.weight", qNorm.weight);
                yield return Whole(p + "self_attn.k_norm.weight", kNorm.weight);
            }
            yield return Rows(p + "mlp.gate_proj.weight", layer.mlp.gate_up.weight!, 0, inter);
            yield return Rows(p + "mlp.up_proj.weight", layer.mlp.gate_up.weight!, inter, inter);
            yield return Whole(p + "mlp.down_proj.weight", layer.mlp.down.weight!);
            yield return Whole(p + "input_layernorm.weight", layer.attention_norm.weight);
            yield return Whole(p + "post_attention_layernorm.weight", layer.mlp_norm.weight);
        }
        yield return Whole("model.norm.weight", model.norm.weight);
        if (model.head is not null) yield return Whole("lm_head.weight", model.head.weight!);
    }

    /// <summary>
    /// The names and shapes of <see cref="Slots"/> for a model of <paramref name="config"/>, in the same order, without
    /// building it: what a checkpoint's header is checked against before any memory is allocated.
    /// </summary>
    public static IEnumerable<(string Name, long[] Shape)> Shapes(ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        long hidden = config.HiddenSize, q = (long)config.NumAttentionHeads * config.HeadDim, kv = (long)config.NumKeyValueHeads * config.HeadDim;
        long inter = config.IntermediateSize, vocab = config.VocabSize;
        yield return ("model.embed_tokens.weight", [vocab, hidden]);
        for (int i = 0; i < config.NumHiddenLayers; i++)
        {
            string p = $"model.layers.{i}.";
            yield return (p + "self_attn.q_proj.weight", [q, hidden]);
            yield return (p + "self_attn.k_proj.weight", [kv, hidden]);
            yield return (p + "self_attn.v_proj.weight", [kv, hidden]);
            if (config.AttentionBias)
            {
                yield return (p + "self_attn.q_proj.bias", [q]);
                yield return (p + "self_attn.k_proj.bias", [kv]);
                yield return (p + "self_attn.v_proj.bias", [kv]);
            }
            yield return (p + "self_attn.o_proj.weight", [hidden, q]);
            if (config.QueryKeyNorm)
            {
                yield return (p + "self_attn.q_norm.weight", [config.HeadDim]);
                yield return (p + "self_attn.k_norm.weight", [config.HeadDim]);
            }
            yield return (p + "mlp.gate_proj.weight", [inter, hidden]);
            yield return (p + "mlp.up_proj.weight", [inter, hidden]);
            yield return (p + "mlp.down_proj.weight", [hidden, inter]);
            yield return (p + "input_layernorm.weight", [hidden]);
            yield return (p + "post_attention_layernorm.weight", [hidden]);
        }
        yield return ("model.norm.weight", [hidden]);
        if (!config.TieWordEmbeddings) yield return ("lm_head.weight", [vocab, hidden]);
    }

    private static WeightSlot Whole(string name, Tensor parameter) => new(name, parameter.shape, parameter);

    private static WeightSlot Rows(string name, Tensor parameter, long start, long length)
    {
        var view = parameter.narrow(0, start, length);
        return new WeightSlot(name, view.shape, view);
    }
}
