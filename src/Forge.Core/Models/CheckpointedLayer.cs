using TorchSharp;
using static TorchSharp.torch;

namespace Forge.Core.Models;

/// <summary>
/// Activation checkpointing of one decoder layer: the forward pass runs without recording and keeps only the layer's
/// input; the backward pass runs the layer again with recording on and back-propagates through that recomputation,
/// which accumulates the layer's weight gradients and returns its input's gradient. Memory for activations then is one
/// layer's worth plus every layer's input, for about one more forward pass of compute.
/// </summary>
internal sealed class CheckpointedLayer : autograd.SingleTensorFunction<CheckpointedLayer>
{
    public override string Name => nameof(CheckpointedLayer);

    /// <summary>The layer applied to <paramref name="x"/>, recomputed in backward.</summary>
    public static Tensor Apply(DecoderLayer layer, Tensor x, Tensor cos, Tensor sin, Tensor? mask, bool causal) =>
        apply(x, layer, cos, sin, mask is null ? Array.Empty<Tensor>() : [mask], causal);

    /// <summary>vars: x [B, T, H], layer, cos, sin, mask (empty or one tensor), causal.</summary>
    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var x = (Tensor)vars[0];
        var mask = (Tensor[])vars[4];
        // Tensors go through save_for_backward so autograd keeps them alive; the caller's scope may dispose its own.
        ctx.save_for_backward([x, (Tensor)vars[2], (Tensor)vars[3], .. mask]);
        ctx.save_data("layer", vars[1]);
        ctx.save_data("causal", vars[5]);
        using var noGrad = no_grad();
        return ((DecoderLayer)vars[1]).Forward(x, (Tensor)vars[2], (Tensor)vars[3], mask.Length == 0 ? null : mask[0], null, (bool)vars[5]);
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
    {
        var saved = ctx.get_saved_variables();
        var layer = (DecoderLayer)ctx.get_data("layer");
        bool causal = (bool)ctx.get_data("causal");
        Tensor gradInput;
        using (enable_grad())
        {
            using var scope = NewDisposeScope();
            var input = saved[0].detach().requires_grad_(true);
            var output = layer.Forward(input, saved[1], saved[2], saved.Count > 3 ? saved[3] : null, null, causal);
            // Re-entrant backward: flows into the layer's parameters and into its input.
            output.backward([gradOutput]);
            gradInput = input.grad!.MoveToOuterDisposeScope();
        }
        return [gradInput, null!, null!, null!, null!, null!]; // one entry per forward argument; only x is differentiable
    }
}
