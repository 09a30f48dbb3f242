using Forge.Contracts.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Forge.Core.Training;

/// <summary>
/// Log-probs of target tokens from final hidden states with gradients, without ever holding more than one chunk of
/// logits: the forward pass keeps only the hidden states, and the backward pass recomputes each chunk's logits,
/// back-propagates through the LM head (accumulating its weight gradients) and returns the hidden states' gradient.
/// Trades one extra LM-head matmul for the rows × length × vocabulary activations autograd would otherwise keep.
/// </summary>
internal sealed class ChunkedLogProbs : autograd.SingleTensorFunction<ChunkedLogProbs>
{
    public override string Name => nameof(ChunkedLogProbs);

    /// <summary>
    /// vars: hidden [B, T, H], targets [B, T], model, temperature, chunk, and an optional List&lt;Tensor&gt; that
    /// receives each chunk's entropies (see <see cref="InChunks"/>).
    /// </summary>
    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var hidden = (Tensor)vars[0];
        var targets = (Tensor)vars[1];
        var model = (ILanguageModel)vars[2];
        double temperature = (double)vars[3];
        int chunk = (int)vars[4];
        var entropies = vars.Length > 5 ? vars[5] as List<Tensor> : null;
        // Tensors go through save_for_backward so autograd keeps them alive; the caller's scope may dispose its own.
        ctx.save_for_backward([hidden, targets]);
        ctx.save_data("model", model);
        ctx.save_data("temperature", temperature);
        ctx.save_data("chunk", chunk);
        using var noGrad = no_grad();
        return InChunks(model, hidden, targets, temperature, chunk, entropies);
    }

    /// <summary>
    /// log-probs [B, T] a chunk of positions at a time (gradients flow only if grad mode is on); with
    /// <paramref name="entropies"/>, each chunk's entropies [B, n] (no gradients) are added to it from the same logits,
    /// so that measuring the entropy costs no second pass through the LM head.
    /// </summary>
    internal static Tensor InChunks(ILanguageModel model, Tensor hidden, Tensor targets, double temperature, int chunk, List<Tensor>? entropies = null)
    {
        var parts = new List<Tensor>();
        for (long start = 0; start < hidden.size(1); start += chunk)
        {
            long n = Math.Min(chunk, hidden.size(1) - start);
            parts.Add(LogProbs(model, hidden.narrow(1, start, n), targets.narrow(1, start, n), temperature, entropies));
        }
        return cat(parts, 1);
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
    {
        var saved = ctx.get_saved_variables();
        var hidden = saved[0];
        var targets = saved[1];
        var model = (ILanguageModel)ctx.get_data("model");
        double temperature = (double)ctx.get_data("temperature");
        int chunk = (int)ctx.get_data("chunk");
        var gradHidden = zeros_like(hidden);
        using (enable_grad())
        {
            for (long start = 0; start < hidden.size(1); start += chunk)
            {
                using var scope = NewDisposeScope();
                long n = Math.Min(chunk, hidden.size(1) - start);
                var piece = hidden.narrow(1, start, n).detach().requires_grad_(true);
                var logProbs = LogProbs(model, piece, targets.narrow(1, start, n), temperature);
                // Re-entrant backward: flows into the LM head's parameters and into this chunk of hidden states.
                logProbs.backward([gradOutput.narrow(1, start, n).contiguous()]);
                gradHidden.narrow(1, start, n).copy_(piece.grad!);
            }
        }
        return [gradHidden, null!, null!, null!, null!, null!]; // one entry per forward argument; only hidden is differentiable
    }

    /// <summary>
    /// log p(target) = z_target − logsumexp(z) for one chunk, in float32; with <paramref name="entropies"/>, also the
    /// chunk's entropies H = logsumexp(z) − Σ softmax(z)·z, without gradients, added to it.
    /// </summary>
    internal static Tensor LogProbs(ILanguageModel model, Tensor hidden, Tensor targets, double temperature, List<Tensor>? entropies = null)
    {
        using var scope = NewDisposeScope();
        var logits = model.Logits(hidden).to(float32);
        if (temperature != 1.0) logits = logits / temperature;
        var logSumExp = logits.logsumexp(-1);
        if (entropies is not null)
        {
            using var noGrad = no_grad();
            var z = logits.detach();
            entropies.Add((logSumExp.detach() - (z.softmax(-1) * z).sum(-1)).MoveToOuterDisposeScope());
        }
        return (logits.gather(-1, targets.unsqueeze(-1)).squeeze(-1) - logSumExp).MoveToOuterDisposeScope();
    }
}
