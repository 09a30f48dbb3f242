using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Forge.Core.Tests.Models;

/// <summary>
/// An independent, deliberately plain decoder over Hugging Face tensor names, in float64: one head at a time, explicit
/// rotate-half RoPE, an explicit causal mask. It shares no code with Forge's model; the tests check it against
/// transformers' own logits (the qwen2 and llama fixtures) before trusting it for architectures without fixtures.
/// </summary>
internal static class NaiveDecoder
{
    /// <summary>Logits [T, vocab] for one sequence of <paramref name="ids"/>.</summary>
    public static Tensor Logits(IReadOnlyDictionary<string, Tensor> weights, JsonObject config, long[] ids)
    {
        using var scope = NewDisposeScope();
        Tensor W(string name) => weights[name].to(float64);
        int heads = (int)config["num_attention_heads"]!, kvHeads = (int?)config["num_key_value_heads"] ?? heads;
        int hidden = (int)config["hidden_size"]!, layers = (int)config["num_hidden_layers"]!;
        int headDim = config["head_dim"] is { } hd ? (int)hd : hidden / heads;
        double eps = (double)config["rms_norm_eps"]!;
        double theta = (double?)config["rope_theta"] ?? (double)config["rope_parameters"]!["rope_theta"]!;
        int time = ids.Length;

        // cos/sin [T, headDim]: angle t·θ^(−2i/d) for i < d/2, repeated over both halves.
        var angles = zeros(time, headDim, float64);
        for (int t = 0; t < time; t++)
            for (int i = 0; i < headDim / 2; i++)
            {
                double angle = t * Math.Pow(theta, -2.0 * i / headDim);
                angles[t, i] = angles[t, i + headDim / 2] = angle;
            }
        var cos = angles.cos();
        var sin = angles.sin();
        Tensor Rope(Tensor x) // [T, headDim]
        {
            var first = x.narrow(1, 0, headDim / 2);
            var second = x.narrow(1, headDim / 2, headDim / 2);
            return x * cos + cat([-second, first], 1) * sin;
        }
        Tensor Norm(Tensor x, Tensor weight) => weight * (x / (x.square().mean([-1], keepdim: true) + eps).sqrt());
        Tensor Linear(Tensor x, string name) => weights.ContainsKey(name + ".bias") ? x.matmul(W(name + ".weight").t()) + W(name + ".bias") : x.matmul(W(name + ".weight").t());

        var causal = ones(time, time, ScalarType.Bool).tril();
        var x = W("model.embed_tokens.weight").index_select(0, tensor(ids));
        for (int l = 0; l < layers; l++)
        {
            string p = $"model.layers.{l}.";
            var h = Norm(x, W(p + "input_layernorm.weight"));
            var q = Linear(h, p + "self_attn.q_proj");
            var k = Linear(h, p + "self_attn.k_proj");
            var v = Linear(h, p + "self_attn.v_proj");
            var outputs = new List<Tensor>();
            for (int head = 0; head < heads; head++)
            {
                int kvHead = head / (heads / kvHeads);
                var qh = q.narrow(1, head * headDim, headDim);
                var kh = k.narrow(1, kvHead * headDim, headDim);
                if (weights.ContainsKey(p + "self_attn.q_norm.weight"))
                {
                    qh = Norm(qh, W(p + "self_attn.q_norm.weight"));
                    kh = Norm(kh, W(p + "self_attn.k_norm.weight"));
                }
                var scores = Rope(qh).matmul(Rope(kh).t()) / Math.Sqrt(headDim);
                scores = scores.masked_fill(causal.logical_not(), double.NegativeInfinity);
                outputs.Add(scores.softmax(-1).matmul(v.narrow(1, kvHead * headDim, headDim)));
            }
            x = x + Linear(cat(outputs, 1), p + "self_attn.o_proj");
            var m = Norm(x, W(p + "post_attention_layernorm.weight"));
            var gate = Linear(m, p + "mlp.gate_proj");
            x = x + Linear(gate * gate.sigmoid() * Linear(m, p + "mlp.up_proj"), p + "mlp.down_proj");
        }
        x = Norm(x, W("model.norm.weight"));
        var head_ = weights.ContainsKey("lm_head.weight") ? W("lm_head.weight") : W("model.embed_tokens.weight");
        return x.matmul(head_.t()).MoveToOuterDisposeScope();
    }
}
