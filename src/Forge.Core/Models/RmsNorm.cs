using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Forge.Core.Models;

/// <summary>Root-mean-square layer norm: x / sqrt(mean(x²) + eps) · weight.</summary>
public sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    private readonly double _eps;

    /// <summary>The learned scale.</summary>
    public Parameter weight;

    /// <summary>The epsilon added to the mean square.</summary>
    public double Eps => _eps;

    /// <summary>A norm over the last dimension of size <paramref name="size"/>, its weight created on <paramref name="device"/>.</summary>
    public RmsNorm(long size, double eps, Device? device = null, ScalarType? dtype = null) : base(nameof(RmsNorm))
    {
        _eps = eps;
        weight = new Parameter(ones(size, dtype, device));
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x) => Apply(x, weight, _eps);

    /// <summary>
    /// <c>weight ⊙ x / rms(x)</c> over the last dimension, as every RMSNorm of the model computes it (the fused kernels of
    /// <see cref="IDecodeKernels"/> round as this does).
    /// </summary>
    public static Tensor Apply(Tensor x, Tensor weight, double eps)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weight);
        using var scope = NewDisposeScope();
        if (x.dtype != ScalarType.Float32)
        {
            // Half precision: x·√D / ‖x‖ is the same normalisation in three kernels instead of eight (decoding is
            // launch-bound); the norm is accumulated in float32 by the reduction itself.
            long size = x.size(-1);
            return (nn.functional.normalize(x, 2.0, -1, Math.Sqrt(eps * size)) * (weight * Math.Sqrt(size))).MoveToOuterDisposeScope();
        }
        var normed = x * (x.square().mean([-1], keepdim: true) + eps).rsqrt();
        return (weight * normed).MoveToOuterDisposeScope();
    }
}
