using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Forge.Core.Models;

/// <summary>SwiGLU feed-forward: down(silu(gate(x)) · up(x)), gate and up fused into one matmul.</summary>
public sealed class Mlp : nn.Module<Tensor, Tensor>
{
    private readonly long _intermediate;

    /// <summary>[2·intermediate, hidden]: rows 0..I are gate_proj, I..2I are up_proj.</summary>
    public Linear gate_up;

    /// <summary>down_proj.</summary>
    public Linear down;

    /// <summary>An MLP of the given widths; see <see cref="Projection"/> for <paramref name="initialize"/>.</summary>
    public Mlp(long hidden, long intermediate, Device device, ScalarType dtype, bool initialize = true) : base(nameof(Mlp))
    {
        _intermediate = intermediate;
        gate_up = Projection.Create(hidden, 2 * intermediate, false, device, dtype, initialize);
        down = Projection.Create(intermediate, hidden, false, device, dtype, initialize);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x) => Forward(x, null);

    /// <summary>The MLP; with <paramref name="kernels"/>, SiLU(gate)·up is one fused kernel.</summary>
    public Tensor Forward(Tensor x, IDecodeKernels? kernels)
    {
        using var scope = NewDisposeScope();
        var gateUp = Projection.Forward(gate_up, x);
        var activated = kernels is not null ? kernels.SiluMul(gateUp) : nn.functional.silu(gateUp.narrow(-1, 0, _intermediate)) * gateUp.narrow(-1, _intermediate, _intermediate);
        return Projection.Forward(down, activated).MoveToOuterDisposeScope();
    }
}
