namespace Forge.Plugins.Grpo;

/// <summary>
/// Sizes of the whole generation batch, so that a loss computed micro-batch by micro-batch sums to the loss of the
/// whole batch (the normalisers of grpo, dr_grpo and dapo are batch-wide). In a data-parallel run the rows and tokens
/// are every rank's together and <see cref="Ranks"/> the number of ranks.
/// </summary>
/// <param name="Rows">Completions in the batch.</param>
/// <param name="ActiveTokens">Unmasked completion tokens in the batch.</param>
/// <param name="MaxCompletionLength">
/// Dr. GRPO's constant: the configured completion-length limit (<see cref="Forge.Contracts.Training.Rollout.MaxCompletionLength"/>),
/// the same for every batch of a run — not the longest completion of this batch.
/// </param>
/// <param name="MicroBatches">Micro-batches this rank's share of the batch is split into.</param>
public sealed record BatchTotals(long Rows, long ActiveTokens, long MaxCompletionLength, int MicroBatches)
{
    /// <summary>Data-parallel ranks whose gradients are averaged (1 in one process).</summary>
    public int Ranks { get; init; } = 1;
}
