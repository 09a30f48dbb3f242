using TorchSharp;
using static TorchSharp.torch;

namespace Forge.Plugins.Grpo;

/// <summary>
/// Group-relative advantages: each reward minus its group's mean, optionally divided by a standard deviation. Only
/// scored rows take part. A row no reward could score (<see cref="Forge.Contracts.Training.Rollout.Scored"/> false)
/// is left out of its group's mean and standard deviation, and out of the batch's, and gets advantage 0 — what TRL's
/// GRPOTrainer does with a NaN reward (nanmean / nanstd over the group, then nan_to_num to 0). So does every row of a
/// group with fewer than two scored rows: a lone scored row is its own baseline, and TRL's standard deviation of one
/// value is NaN, mapped to 0.
/// </summary>
public static class GroupAdvantages
{
    /// <summary>The small constant TRL adds to the standard deviation so that equal-reward groups give 0, not NaN.</summary>
    public const double StdEpsilon = 1e-4;

    /// <summary>Advantages [B] for rewards [B] in consecutive groups of <paramref name="groupSize"/>, every row scored.</summary>
    public static Tensor Compute(Tensor rewards, int groupSize, ScaleRewards scale) => Compute(rewards, null, groupSize, scale);

    /// <summary>
    /// Advantages [B] for rewards [B] in consecutive groups of <paramref name="groupSize"/>; <paramref name="scored"/>
    /// [B] bool is false where a row was not scored (its reward, whatever it holds, is ignored); null means all scored.
    /// </summary>
    /// <remarks>
    /// <paramref name="sumOverRanks"/> makes <see cref="ScaleRewards.Batch"/>'s mean and standard deviation the whole
    /// batch's in a data-parallel run (<c>ITrainingContext.SumOverRanks</c>); groups stay whole on a rank, so their
    /// statistics are local.
    /// </remarks>
    public static Tensor Compute(Tensor rewards, Tensor? scored, int groupSize, ScaleRewards scale, Func<double[], double[]>? sumOverRanks = null)
    {
        ArgumentNullException.ThrowIfNull(rewards);
        if (rewards.size(0) % groupSize != 0)
            throw new ArgumentException($"{rewards.size(0)} rewards do not split into groups of {groupSize}");
        using var scope = NewDisposeScope();
        var kept = scored?.to(ScalarType.Bool) ?? ones(rewards.size(0), ScalarType.Bool, rewards.device);
        var weight = kept.to(rewards.dtype);
        var values = where(kept, rewards, zeros_like(rewards));

        var groupWeight = weight.view(-1, groupSize);
        var groupCount = groupWeight.sum(1, keepdim: true);
        var groupMean = values.view(-1, groupSize).sum(1, keepdim: true) / groupCount.clamp_min(1);
        // 0 for unscored rows; exactly 0 too for a group's lone scored row (its reward minus itself).
        var centered = (values.view(-1, groupSize) - groupMean) * groupWeight;

        var advantages = scale switch
        {
            ScaleRewards.Group => centered / (SampleStd(centered, groupCount, 1) + StdEpsilon),
            ScaleRewards.Batch => centered / (BatchStd(values, weight, sumOverRanks) + StdEpsilon),
            _ => centered,
        };
        return advantages.view(-1).MoveToOuterDisposeScope();
    }

    /// <summary>The unbiased standard deviation of the scored rewards over the whole batch (every rank's, with <paramref name="sumOverRanks"/>).</summary>
    private static Tensor BatchStd(Tensor values, Tensor weight, Func<double[], double[]>? sumOverRanks)
    {
        if (sumOverRanks is null) return SampleStd((values - values.sum() / weight.sum().clamp_min(1)) * weight, weight.sum(), null);
        var sums = sumOverRanks([values.sum().ToDouble(), weight.sum().ToDouble()]);
        double mean = sums[1] > 0 ? sums[0] / sums[1] : 0;
        var deviations = (values - mean) * weight;
        double squares = sumOverRanks([(deviations * deviations).sum().ToDouble()])[0];
        return tensor(Math.Sqrt(squares / Math.Max(1, sums[1] - 1)), values.dtype, values.device);
    }

    /// <summary>
    /// Unbiased (n − 1, as torch.std and TRL) standard deviation from deviations that are 0 for unscored rows, over
    /// <paramref name="dim"/> or everything; 0 for fewer than two values (their deviations are 0 as well).
    /// </summary>
    private static Tensor SampleStd(Tensor deviations, Tensor count, int? dim)
    {
        var squares = deviations * deviations;
        var sum = dim is int d ? squares.sum(d, keepdim: true) : squares.sum();
        return (sum / (count - 1).clamp_min(1)).sqrt();
    }
}
