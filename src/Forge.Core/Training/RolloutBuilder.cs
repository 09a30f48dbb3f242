using Forge.Contracts.Sampling;
using Forge.Contracts.Training;
using static TorchSharp.torch;

namespace Forge.Core.Training;

/// <summary>
/// Packs prompts and completions into a <see cref="TokenBatch"/>: prompts left-padded to a common start, completions
/// right-padded after it, so that every row's completion begins at the same column.
/// </summary>
public static class RolloutBuilder
{
    /// <summary>A batch for <paramref name="completions"/>, each row's prompt taken from <paramref name="prompts"/> by its prompt index.</summary>
    public static TokenBatch Build(IReadOnlyList<IReadOnlyList<int>> prompts, IReadOnlyList<Completion> completions, int padTokenId, Device device)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(completions);
        int rows = completions.Count;
        int promptLength = completions.Max(c => prompts[c.PromptIndex].Count);
        int completionLength = Math.Max(1, completions.Max(c => c.TokenIds.Count));
        int width = promptLength + completionLength;
        var ids = new long[rows * width];
        var attention = new long[rows * width];
        var mask = new float[rows * completionLength];
        Array.Fill(ids, padTokenId);
        for (int r = 0; r < rows; r++)
        {
            var prompt = prompts[completions[r].PromptIndex];
            int offset = r * width + promptLength - prompt.Count;
            for (int i = 0; i < prompt.Count; i++)
            {
                ids[offset + i] = prompt[i];
                attention[offset + i] = 1;
            }
            var tokens = completions[r].TokenIds;
            for (int i = 0; i < tokens.Count; i++)
            {
                ids[r * width + promptLength + i] = tokens[i];
                attention[r * width + promptLength + i] = 1;
                mask[r * completionLength + i] = 1;
            }
        }
        return new TokenBatch(
            tensor(ids, [rows, width]).to(device),
            tensor(attention, [rows, width]).to(device),
            promptLength,
            tensor(mask, [rows, completionLength]).to(device));
    }

    /// <summary>A batch of traces: each prompt with its target completion (for supervised fine-tuning).</summary>
    public static TokenBatch Build(IReadOnlyList<IReadOnlyList<int>> prompts, IReadOnlyList<IReadOnlyList<int>> completions, int padTokenId, Device device) =>
        Build(prompts, completions.Select((c, i) => new Completion(i, c, [], "", false)).ToList(), padTokenId, device);

    /// <summary>Sampling-time log-probs [rows, completion length] aligned with <see cref="Build"/>'s completion columns.</summary>
    public static Tensor OldLogProbs(IReadOnlyList<Completion> completions, Device device)
    {
        int rows = completions.Count;
        int length = Math.Max(1, completions.Max(c => c.LogProbs.Count));
        var values = new float[rows * length];
        for (int r = 0; r < rows; r++)
            for (int i = 0; i < completions[r].LogProbs.Count; i++)
                values[r * length + i] = completions[r].LogProbs[i];
        return tensor(values, [rows, length]).to(device);
    }
}
