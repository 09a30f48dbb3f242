using Forge.Core.Pipelines;

namespace Forge.Core.Rewards;

/// <summary>
/// A reward plugin failed and the failure cannot become a null score: it threw or timed out under
/// <see cref="RewardIsolationOptions.FailOnError"/>, or it returned a number of scores other than the number of
/// completions it was given. A plugin fault, not bad input (exit 1). The message is one line naming the reward, the
/// row when there is one, and the reward's own exception; that exception is the inner one.
/// </summary>
public sealed class RewardFaultException : Exception
{
    /// <summary>Creates the fault of reward <paramref name="reward"/>, caused by <paramref name="cause"/>.</summary>
    /// <param name="reward">The reward's configured name.</param>
    /// <param name="row">The failing row (<c>row 3 (id)</c>), or null when the failure concerns the whole batch.</param>
    /// <param name="cause">The reward's own exception (or one describing the timeout or the wrong count).</param>
    public RewardFaultException(string reward, string? row, Exception cause)
        : base($"reward '{reward}' failed{On(row)}: {cause.GetType().Name}: {cause.Message.ReplaceLineEndings(" ")}", cause)
    {
        Reward = reward;
        Row = row;
    }

    /// <summary>The reward's configured name.</summary>
    public string Reward { get; }

    /// <summary>The failing row (<c>row 3 (id)</c>), or null when the failure concerns the whole batch.</summary>
    public string? Row { get; }

    /// <summary>The same fault as one of a training step: <c>reward plugin 'x' failed in stage 's' at step n on row …</c>.</summary>
    public PluginFaultException InStep(string stage, int step) => new("reward", Reward, stage, step, InnerException!, Row);

    private static string On(string? row) => row is null ? "" : " on " + row;
}
