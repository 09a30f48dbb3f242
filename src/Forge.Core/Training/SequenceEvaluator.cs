using Forge.Contracts.Models;
using Forge.Contracts.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Forge.Core.Training;

/// <summary>
/// Log-probs (and entropies, hidden states) of completion tokens. The final hidden states are projected to the
/// vocabulary a chunk of positions at a time and reduced with logsumexp, so the rows × length × vocabulary logits
/// never exist at once and no full log-softmax is kept.
/// </summary>
public static class SequenceEvaluator
{
    /// <summary>Outputs for the completion positions of <paramref name="batch"/>.</summary>
    public static SequenceOutputs Evaluate(ILanguageModel model, TokenBatch batch, double temperature, int chunk, bool withEntropy, bool withHidden)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.CompletionStart < 1) throw new ArgumentException("a completion needs at least one prompt token before it");
        using var scope = NewDisposeScope();
        long length = batch.InputIds.size(1) - batch.CompletionStart;
        var hidden = Hidden(model, batch);
        // The hidden state at position p predicts the token at p + 1.
        var predicting = hidden.narrow(1, batch.CompletionStart - 1, length);
        var targets = batch.InputIds.narrow(1, batch.CompletionStart, length);

        // With gradients, the chunked function keeps only hidden states for backward; without, plain chunks suffice.
        // Entropies come from the same chunks of logits as the log-probs (one LM-head pass, not two).
        var entropies = withEntropy ? new List<Tensor>() : null;
        var logProbs = predicting.requires_grad && is_grad_enabled()
            ? ChunkedLogProbs.apply(predicting, targets, model, temperature, chunk, entropies!)
            : ChunkedLogProbs.InChunks(model, predicting, targets, temperature, chunk, entropies);
        var result = new SequenceOutputs(
            logProbs.MoveToOuterDisposeScope(),
            entropies is not null ? cat(entropies, 1).MoveToOuterDisposeScope() : null,
            withHidden ? predicting.MoveToOuterDisposeScope() : null);
        return result;
    }

    /// <summary>Positions a CUDA forward pass is padded to a multiple of (see <see cref="Hidden"/>).</summary>
    public const int CudaAlignment = 64;

    /// <summary>
    /// The batch's final hidden states. On CUDA the sequences are first right-padded to a multiple of
    /// <see cref="CudaAlignment"/> positions (causal attention keeps real positions from seeing the padding, whose
    /// outputs are cut off again): attention kernels are planned per shape there, and batches whose width changes from
    /// step to step would otherwise pay for a new plan, forward and backward, at nearly every step.
    /// </summary>
    public static Tensor Hidden(ILanguageModel model, TokenBatch batch) =>
        Hidden(model, batch, model?.Device.type == DeviceType.CUDA ? CudaAlignment : 1);

    /// <summary>The batch's final hidden states, computed right-padded to a multiple of <paramref name="alignment"/>.</summary>
    internal static Tensor Hidden(ILanguageModel model, TokenBatch batch, int alignment)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batch);
        long width = batch.InputIds.size(1);
        long aligned = (width + alignment - 1) / alignment * alignment;
        if (aligned == width) return model.Hidden(batch.InputIds, batch.AttentionMask);
        using var scope = NewDisposeScope();
        var ids = nn.functional.pad(batch.InputIds, [0, aligned - width]);
        var mask = batch.AttentionMask is null ? null : nn.functional.pad(batch.AttentionMask, [0, aligned - width]);
        return model.Hidden(ids, mask).narrow(1, 0, width).MoveToOuterDisposeScope();
    }
}
