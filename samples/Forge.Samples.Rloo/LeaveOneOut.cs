using Forge.Contracts.Plugins;
using static TorchSharp.torch;

namespace Forge.Samples.Rloo;

/// <summary>
/// RLOO's baseline: each completion is judged against the mean reward of the other k − 1 completions of its prompt,
/// an unbiased baseline that needs no critic (Kool et al. 2019; Ahmadian et al. 2024).
/// </summary>
public static class LeaveOneOut
{
    /// <summary>Baselines [B] for rewards [B] in consecutive groups of <paramref name="groupSize"/> (at least 2).</summary>
    public static Tensor Baselines(Tensor rewards, int groupSize)
    {
        ArgumentNullException.ThrowIfNull(rewards);
        if (groupSize < 2)
            throw new PluginInputException($"rloo: CompletionsPerPrompt is {groupSize}; a leave-one-out baseline needs at least 2 completions per prompt");
        if (rewards.shape[0] % groupSize != 0)
            throw new ArgumentException($"{rewards.shape[0]} rewards do not split into groups of {groupSize}", nameof(rewards));
        using var scope = NewDisposeScope();
        var grouped = rewards.view(-1, groupSize);
        var others = grouped.sum(1, keepdim: true) - grouped;
        return (others / (groupSize - 1)).view(-1).MoveToOuterDisposeScope();
    }
}
