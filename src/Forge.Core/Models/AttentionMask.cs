using static TorchSharp.torch;

namespace Forge.Core.Models;

/// <summary>Builds the boolean attention mask for left-padded batches, with and without a cache.</summary>
public static class AttentionMask
{
    /// <summary>
    /// [B, 1, T, keys] (keys: the width of <paramref name="keyMask"/>, past + T or more): query i (absolute position
    /// past + i) may attend key j when j ≤ past + i and key j is real.
    /// Each query may always attend itself, so padding rows never see an all-masked row (which would give NaN).
    /// </summary>
    public static Tensor Build(Tensor keyMask, long past, long time)
    {
        using var scope = NewDisposeScope();
        var device = keyMask.device;
        var queries = arange(past, past + time, ScalarType.Int64, device).unsqueeze(1);
        var keys = arange(0, keyMask.size(1), ScalarType.Int64, device).unsqueeze(0); // past + time, or a fixed-length cache's capacity
        var allowed = (keys <= queries).unsqueeze(0).logical_and(keyMask.to(ScalarType.Bool).unsqueeze(1));
        allowed = allowed.logical_or((keys == queries).unsqueeze(0));
        return allowed.unsqueeze(1).MoveToOuterDisposeScope();
    }

    /// <summary>Position ids from a left-padded mask: 0 at each row's first real token (padding gets 0).</summary>
    public static Tensor Positions(Tensor mask, Tensor? start = null)
    {
        using var scope = NewDisposeScope();
        var counted = mask.to(ScalarType.Int64).cumsum(1) - 1;
        if (start is not null) counted = counted + start.unsqueeze(1);
        return counted.clamp_min(0).MoveToOuterDisposeScope();
    }
}
