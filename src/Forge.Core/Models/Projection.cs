using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Forge.Core.Models;

/// <summary>
/// Linear layers created directly on their device and dtype, so nothing is allocated twice (no float32 CPU copy of a
/// bf16 GPU model). A layer about to be filled (checkpoint loading, cloning) gets uninitialised storage; a new one gets
/// TorchSharp's default initialisation, which <see cref="DecoderModel"/> then overwrites: those draws are kept so that a
/// seed keeps giving the same model as before.
/// </summary>
public static class Projection
{
    /// <summary>y = x·Wᵀ (+ b) with W [<paramref name="outputs"/>, <paramref name="inputs"/>].</summary>
    public static Linear Create(long inputs, long outputs, bool bias, Device device, ScalarType dtype, bool initialize)
    {
        if (initialize) return nn.Linear(inputs, outputs, bias, device, dtype);
        var weight = new Parameter(empty([outputs, inputs], dtype, device));
        var b = bias ? new Parameter(empty([outputs], dtype, device)) : null;
        return nn.Linear(weight, b!);
    }
}
