using Forge.Contracts.Training;
using static TorchSharp.torch;

namespace Forge.Testing;

/// <summary>
/// Builds the <see cref="Rollout"/> an optimizer's <c>Step</c> receives, from token ids and rewards, laid out as the
/// host lays it out: prompts left-padded to one width, completions after them right-padded, the attention mask over
/// real tokens, the completion mask over completion tokens, groups of <c>groupSize</c> consecutive rows per prompt.
/// </summary>
public static class Rollouts
{
    /// <summary>
    /// A rollout of <paramref name="completions"/> (row i belongs to prompt i / <paramref name="groupSize"/>) with their
    /// <paramref name="rewards"/>; old log-probs are 0 unless given per token (<paramref name="oldLogProbs"/>, the
    /// completions' shape), no row is truncated unless <paramref name="truncated"/> says so, and every row is scored
    /// unless <paramref name="scored"/> says otherwise.
    /// </summary>
    public static Rollout Build(IReadOnlyList<IReadOnlyList<int>> prompts, IReadOnlyList<IReadOnlyList<int>> completions, IReadOnlyList<double> rewards,
        int groupSize, int padTokenId = 0, IReadOnlyList<IReadOnlyList<float>>? oldLogProbs = null, IReadOnlyList<bool>? truncated = null,
        IReadOnlyList<bool>? scored = null)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(completions);
        ArgumentNullException.ThrowIfNull(rewards);
        ArgumentOutOfRangeException.ThrowIfLessThan(groupSize, 1);
        int rows = completions.Count;
        if (rows != prompts.Count * groupSize) throw new ArgumentException($"{rows} completions for {prompts.Count} prompts × {groupSize}");
        if (rewards.Count != rows) throw new ArgumentException($"{rewards.Count} rewards for {rows} completions");
        if (prompts.Any(p => p.Count == 0)) throw new ArgumentException("a prompt has no tokens");
        int promptWidth = prompts.Max(p => p.Count), completionWidth = Math.Max(1, completions.Max(c => c.Count)), width = promptWidth + completionWidth;

        var ids = new long[rows * width];
        var attention = new long[rows * width];
        var completionMask = new float[rows * completionWidth];
        var old = new float[rows * completionWidth];
        Array.Fill(ids, padTokenId);
        for (int r = 0; r < rows; r++)
        {
            var prompt = prompts[r / groupSize];
            for (int i = 0; i < prompt.Count; i++)
            {
                ids[r * width + promptWidth - prompt.Count + i] = prompt[i];
                attention[r * width + promptWidth - prompt.Count + i] = 1;
            }
            for (int t = 0; t < completions[r].Count; t++)
            {
                ids[r * width + promptWidth + t] = completions[r][t];
                attention[r * width + promptWidth + t] = 1;
                completionMask[r * completionWidth + t] = 1;
                if (oldLogProbs is not null) old[r * completionWidth + t] = oldLogProbs[r][t];
            }
        }
        var batch = new TokenBatch(tensor(ids, [rows, width]), tensor(attention, [rows, width]), promptWidth, tensor(completionMask, [rows, completionWidth]));
        return new Rollout(batch, tensor(old, [rows, completionWidth]), tensor(rewards.ToArray(), ScalarType.Float64),
            tensor((truncated ?? Enumerable.Repeat(false, rows).ToList()).ToArray()), groupSize)
        {
            Scored = scored is null ? null : tensor(scored.ToArray()),
            MaxCompletionLength = completionWidth,
        };
    }
}
