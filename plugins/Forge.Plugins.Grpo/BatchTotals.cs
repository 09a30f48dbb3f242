namespace Forge.Plugins.Grpo;

/// <summary>
/// Sizes of the whole generation batch, so that a loss computed micro-batch by micro-batch sums to the loss of the
/// whole batch (the normalisers of grpo, dr_grpo and dapo are batch-wide).
/// </summary>
/// <param name="Rows">Completions in the batch.</param>
/// <param name="ActiveTokens">Unmasked completion tokens in the batch.</param>
/// <param name="MaxCompletionLength">
/// Dr. GRPO's constant: the configured completion-length limit (<see cref="Forge.Contracts.Training.Rollout.MaxCompletionLength"/>),
/// the same for every batch of a run — not the longest completion of this batch.
/// </param>
/// <param name="MicroBatches">Micro-batches the batch is split into.</param>
public sealed record BatchTotals(long Rows, long ActiveTokens, long MaxCompletionLength, int MicroBatches);
