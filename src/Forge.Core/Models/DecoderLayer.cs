using TorchSharp;
using static TorchSharp.torch;

namespace Forge.Core.Models;

/// <summary>One pre-norm transformer block: x + attn(norm(x)), then + mlp(norm(x)).</summary>
public sealed class DecoderLayer : nn.Module
{
    /// <summary>input_layernorm.</summary>
    public RmsNorm attention_norm;

    /// <summary>self_attn.</summary>
    public Attention attention;

    /// <summary>post_attention_layernorm.</summary>
    public RmsNorm mlp_norm;

    /// <summary>mlp.</summary>
    public Mlp mlp;

    /// <summary>Layer <paramref name="index"/> of a model shaped by <paramref name="config"/>, created on <paramref name="device"/>
    /// (see <see cref="Projection"/> for <paramref name="initialize"/>).</summary>
    public DecoderLayer(ModelConfig config, int index, Device device, ScalarType dtype, bool initialize = true) : base(nameof(DecoderLayer))
    {
        attention_norm = new RmsNorm(config.HiddenSize, config.RmsNormEps, device, dtype);
        attention = new Attention(config, index, device, dtype, initialize);
        mlp_norm = new RmsNorm(config.HiddenSize, config.RmsNormEps, device, dtype);
        mlp = new Mlp(config.HiddenSize, config.IntermediateSize, device, dtype, initialize);
        RegisterComponents();
    }

    /// <summary>Applies the block.</summary>
    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, Tensor? mask, KeyValueCache? cache, bool causal)
    {
        using var scope = NewDisposeScope();
        var h = x + attention.Forward(attention_norm.forward(x), cos, sin, mask, cache, causal);
        return (h + mlp.forward(mlp_norm.forward(h))).MoveToOuterDisposeScope();
    }
}
