using System.Runtime.CompilerServices;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Forge.Core.Models;

/// <summary>
/// Something added to a projection's output, computed from its input (a LoRA branch): attached to a layer with
/// <see cref="Projection.Attach"/>, it joins every <see cref="Projection.Forward"/> of that layer.
/// </summary>
public interface IProjectionBranch
{
    /// <summary>The addition to <paramref name="output"/> = layer(<paramref name="input"/>); returns the new output.</summary>
    Tensor Apply(Tensor input, Tensor output);
}

/// <summary>
/// Linear layers created directly on their device and dtype, so nothing is allocated twice (no float32 CPU copy of a
/// bf16 GPU model). A layer about to be filled (checkpoint loading, cloning) gets uninitialised storage; a new one gets
/// TorchSharp's default initialisation, which <see cref="DecoderModel"/> then overwrites: those draws are kept so that a
/// seed keeps giving the same model as before. The decoder runs its projections through <see cref="Forward"/>, where
/// an attached <see cref="IProjectionBranch"/> (an adapter) adds its part without the layer or the model changing.
/// </summary>
public static class Projection
{
    private static readonly ConditionalWeakTable<Linear, IProjectionBranch> Branches = [];

    /// <summary>y = x·Wᵀ (+ b) with W [<paramref name="outputs"/>, <paramref name="inputs"/>].</summary>
    public static Linear Create(long inputs, long outputs, bool bias, Device device, ScalarType dtype, bool initialize)
    {
        if (initialize) return nn.Linear(inputs, outputs, bias, device, dtype);
        var weight = new Parameter(empty([outputs, inputs], dtype, device));
        var b = bias ? new Parameter(empty([outputs], dtype, device)) : null;
        return nn.Linear(weight, b!);
    }

    /// <summary>The layer applied to <paramref name="x"/>, plus the branch attached to it, if any.</summary>
    public static Tensor Forward(Linear layer, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(layer);
        var output = layer.forward(x);
        return Branches.TryGetValue(layer, out var branch) ? branch.Apply(x, output) : output;
    }

    /// <summary>
    /// <see cref="Forward"/> with the layer's bias left for the caller to add (a fused kernel that adds it on its way,
    /// saving a kernel): x·Wᵀ and the bias, when the layer has one and no branch attached — the same product and, added
    /// in the output's dtype, the same numbers; otherwise <see cref="Forward"/>'s output and no bias.
    /// </summary>
    public static (Tensor Output, Tensor? Bias) ForwardBiasApart(Linear layer, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (layer.bias is null || Branches.TryGetValue(layer, out _)) return (Forward(layer, x), null);
        return (nn.functional.linear(x, layer.weight!), layer.bias);
    }

    /// <summary>Attaches <paramref name="branch"/> to <paramref name="layer"/> (one branch per layer).</summary>
    public static void Attach(Linear layer, IProjectionBranch branch)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(branch);
        if (!Branches.TryAdd(layer, branch)) throw new InvalidOperationException("this projection already has a branch attached (one adapter per model)");
    }

    /// <summary>Detaches whatever branch <paramref name="layer"/> has.</summary>
    public static void Detach(Linear layer) => Branches.Remove(layer);
}
