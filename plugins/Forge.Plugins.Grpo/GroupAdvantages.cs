using static TorchSharp.torch;

namespace Forge.Plugins.Grpo;

/// <summary>Group-relative advantages: each reward minus its group's mean, optionally divided by a standard deviation.</summary>
public static class GroupAdvantages
{
    /// <summary>The small constant TRL adds to the standard deviation so that equal-reward groups give 0, not NaN.</summary>
    public const double StdEpsilon = 1e-4;

    /// <summary>Advantages [B] for rewards [B] in consecutive groups of <paramref name="groupSize"/>.</summary>
    public static Tensor Compute(Tensor rewards, int groupSize, ScaleRewards scale)
    {
        if (rewards.shape[0] % groupSize != 0)
            throw new ArgumentException($"{rewards.shape[0]} rewards do not split into groups of {groupSize}");
        using var scope = NewDisposeScope();
        var grouped = rewards.view(-1, groupSize);
        var centered = (grouped - grouped.mean([1], keepdim: true)).view(-1);
        var advantages = scale switch
        {
            // Unbiased standard deviation (n − 1), as torch.std and TRL.
            ScaleRewards.Group => centered / (grouped.std(1, unbiased: true, keepdim: true).expand(-1, groupSize).reshape(-1) + StdEpsilon),
            ScaleRewards.Batch => centered / (rewards.std(unbiased: true) + StdEpsilon),
            _ => centered,
        };
        return advantages.MoveToOuterDisposeScope();
    }
}
