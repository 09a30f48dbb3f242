using static TorchSharp.torch;

namespace Forge.Contracts.Training;

/// <summary>
/// Token sequences as tensors, one row per sequence: prompt left-padded, completion right-padded.
/// Log-probs and masks cover positions <see cref="CompletionStart"/> to the end.
/// </summary>
public sealed class TokenBatch : IDisposable
{
    /// <summary>Creates a batch; the batch owns (and disposes) the tensors.</summary>
    public TokenBatch(Tensor inputIds, Tensor attentionMask, int completionStart, Tensor completionMask)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        ArgumentNullException.ThrowIfNull(attentionMask);
        ArgumentNullException.ThrowIfNull(completionMask);
        InputIds = inputIds;
        AttentionMask = attentionMask;
        CompletionStart = completionStart;
        CompletionMask = completionMask;
    }

    /// <summary>[batch, length] int64 token ids.</summary>
    public Tensor InputIds { get; }

    /// <summary>[batch, length] 1 for real tokens, 0 for padding.</summary>
    public Tensor AttentionMask { get; }

    /// <summary>Index of the first completion position (the padded prompt length).</summary>
    public int CompletionStart { get; }

    /// <summary>[batch, length − CompletionStart] float, 1 where a completion token is trained on.</summary>
    public Tensor CompletionMask { get; }

    /// <summary>Number of rows.</summary>
    public long RowCount => InputIds.shape[0];

    /// <summary>Rows [start, start + length) as a batch of views; disposing it leaves this batch intact.</summary>
    public TokenBatch Slice(long start, long length) => new(
        InputIds.narrow(0, start, length), AttentionMask.narrow(0, start, length), CompletionStart,
        CompletionMask.narrow(0, start, length));

    /// <summary>The rows at <paramref name="indices"/> (int64), in that order, as a new batch.</summary>
    public TokenBatch Rows(Tensor indices) => new(
        InputIds.index_select(0, indices), AttentionMask.index_select(0, indices), CompletionStart,
        CompletionMask.index_select(0, indices));

    /// <inheritdoc />
    public void Dispose()
    {
        InputIds.Dispose();
        AttentionMask.Dispose();
        CompletionMask.Dispose();
    }
}
