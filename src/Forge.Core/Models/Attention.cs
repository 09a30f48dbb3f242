using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Forge.Core.Models;

/// <summary>
/// Grouped-query self-attention with rotary positions. q, k and v are one fused projection (one kernel per step
/// instead of three); key/value heads are repeated to the query heads before scaled_dot_product_attention.
/// </summary>
public sealed class Attention : nn.Module
{
    private readonly int _heads, _kvHeads, _headDim, _layer;

    /// <summary>[(heads + 2·kvHeads)·headDim, hidden]: q_proj, k_proj, v_proj stacked by rows.</summary>
    public Linear qkv;

    /// <summary>o_proj.</summary>
    public Linear output;

    /// <summary>q_norm: Qwen3's RMSNorm over each query head, before RoPE; null for other architectures.</summary>
    public RmsNorm? query_norm;

    /// <summary>k_norm: the same over each key head.</summary>
    public RmsNorm? key_norm;

    /// <summary>Attention of layer <paramref name="layer"/>; see <see cref="Projection"/> for <paramref name="initialize"/>.</summary>
    public Attention(ModelConfig config, int layer, Device device, ScalarType dtype, bool initialize = true) : base(nameof(Attention))
    {
        _heads = config.NumAttentionHeads;
        _kvHeads = config.NumKeyValueHeads;
        _headDim = config.HeadDim;
        _layer = layer;
        qkv = Projection.Create(config.HiddenSize, (_heads + 2 * _kvHeads) * _headDim, config.AttentionBias, device, dtype, initialize);
        output = Projection.Create(_heads * _headDim, config.HiddenSize, false, device, dtype, initialize);
        if (config.QueryKeyNorm)
        {
            query_norm = new RmsNorm(_headDim, config.RmsNormEps, device, dtype);
            key_norm = new RmsNorm(_headDim, config.RmsNormEps, device, dtype);
        }
        RegisterComponents();
    }

    /// <summary>
    /// Attends <paramref name="x"/> [B, T, hidden]; <paramref name="mask"/> [B, 1, T, keys] (boolean, true = may attend, or additive biases) or null
    /// for plain causal attention; with a cache, keys and values of earlier steps come from it.
    /// </summary>
    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, Tensor? mask, KeyValueCache? cache, bool causal, IDecodeKernels? kernels = null)
    {
        using var scope = NewDisposeScope();
        long batch = x.size(0), time = x.size(1);
        int groups = _heads / _kvHeads;
        if (kernels is not null && cache is not null && cache.WritesAtSlot(time, masked: false))
        {
            // One token into a fixed-length cache: the projection's bias, normalisation, rotation and the cache write in
            // one kernel; then the grouped attention below, over the whole cache.
            var (product, bias) = Projection.ForwardBiasApart(qkv, x);
            var projected = product.view(batch, time, _heads + 2 * _kvHeads, _headDim);
            var (keys, values) = cache.Layer(_layer);
            var queries = kernels.RotateIntoCache(projected, bias, cos, sin, query_norm?.weight, key_norm?.weight, query_norm?.Eps ?? 0,
                keys, values, cache.Slot, _heads, _kvHeads);
            var attendedHeads = nn.functional.scaled_dot_product_attention(queries.view(batch, _kvHeads, groups, _headDim), keys, values, attn_mask: mask, is_casual: false);
            return Projection.Forward(output, attendedHeads.reshape(batch, time, _heads * _headDim)).MoveToOuterDisposeScope();
        }
        var heads = Projection.Forward(qkv, x).view(batch, time, _heads + 2 * _kvHeads, _headDim);
        var queriesAndKeys = query_norm is null || key_norm is null ? heads.narrow(2, 0, _heads + _kvHeads)
            : cat([query_norm.forward(heads.narrow(2, 0, _heads)), key_norm.forward(heads.narrow(2, _heads, _kvHeads))], 2);
        var rotated = RotaryEmbedding.Apply(queriesAndKeys, cos, sin);
        var q = rotated.narrow(2, 0, _heads).transpose(1, 2);
        var k = rotated.narrow(2, _heads, _kvHeads).transpose(1, 2);
        var v = heads.narrow(2, _heads + _kvHeads, _kvHeads).transpose(1, 2);
        if (cache is not null) (k, v) = cache.Append(_layer, k, v);
        Tensor attended;
        if (time == 1 && groups > 1)
        {
            // One new token: fold each key/value head's query group into the query-length axis, so the cached keys
            // and values are read once per group instead of being copied to every query head.
            var grouped = q.reshape(batch, _kvHeads, groups, _headDim);
            attended = nn.functional.scaled_dot_product_attention(grouped, k, v, attn_mask: mask, is_casual: false);
        }
        else
        {
            if (groups > 1)
            {
                // Each key/value head repeated for its query group (what repeat_interleave(groups, dim: 1) gives) as
                // one copy of a broadcast view: repeat_interleave costs several kernels (an index, a cumsum, a
                // gather; an index_add in backward) per call, and training forward passes are launch-bound.
                k = RepeatHeads(k, groups);
                v = RepeatHeads(v, groups);
            }
            attended = nn.functional.scaled_dot_product_attention(q, k, v, attn_mask: mask, is_casual: mask is null && causal)
                .transpose(1, 2);
        }
        return Projection.Forward(output, attended.reshape(batch, time, _heads * _headDim)).MoveToOuterDisposeScope();
    }

    /// <summary>[B, kv, T, D] → [B, kv·groups, T, D], head h of the result being head h / groups of <paramref name="x"/>.</summary>
    private static Tensor RepeatHeads(Tensor x, int groups)
    {
        long b = x.size(0), heads = x.size(1), t = x.size(2), d = x.size(3);
        return x.unsqueeze(2).expand(b, heads, groups, t, d).reshape(b, heads * groups, t, d);
    }
}
