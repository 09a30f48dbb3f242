using System.Globalization;
using System.Reflection;
using Forge.Contracts.Rewards;
using Microsoft.Extensions.Logging;

namespace Forge.Core.Rewards;

/// <summary>
/// Scores completions with several rewards and sums them with their weights. A reward that throws is retried row by
/// row so that only the offending rows score null; one that exceeds the timeout scores null for the batch. Either way
/// one warning per reward and call says how many completions it failed on, with the first failure's message, and
/// <see cref="ScoredBatch.Failed"/> counts them. With <see cref="RewardIsolationOptions.FailOnError"/> either case is a
/// <see cref="RewardFaultException"/> carrying the reward's own exception instead; a reward that returns a number of
/// scores other than the number of completions is one in any case.
/// </summary>
public sealed class RewardComposer
{
    private readonly IReadOnlyList<WeightedReward> _rewards;
    private readonly RewardIsolationOptions _isolation;
    private readonly ILogger _logger;

    /// <summary>Creates a composer over <paramref name="rewards"/> (names must be unique).</summary>
    public RewardComposer(IReadOnlyList<WeightedReward> rewards, RewardIsolationOptions isolation, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(rewards);
        var duplicate = rewards.GroupBy(r => r.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ForgeDataException($"reward '{duplicate.Key}' is listed twice");
        _rewards = rewards;
        _isolation = isolation;
        _logger = logger;
    }

    /// <summary>The reward names, in order.</summary>
    public IEnumerable<string> Names => _rewards.Select(r => r.Name);

    /// <summary>One <see cref="RewardScores"/> per input, in order, and the number of inputs each reward failed on.</summary>
    public ScoredBatch Score(IReadOnlyList<RewardInput> batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var perReward = _rewards.Select(r => ScoreOne(r, batch, cancellationToken)).ToArray();
        var results = new RewardScores[batch.Count];
        for (int row = 0; row < batch.Count; row++)
        {
            var scores = new Dictionary<string, double?>(_rewards.Count);
            double total = 0;
            for (int r = 0; r < _rewards.Count; r++)
            {
                double? value = perReward[r].Scores[row];
                scores[_rewards[r].Name] = value;
                if (value is double v) total += _rewards[r].Weight * v;
            }
            results[row] = new RewardScores(scores, total);
        }
        var failed = new Dictionary<string, int>(_rewards.Count);
        for (int r = 0; r < _rewards.Count; r++) failed[_rewards[r].Name] = perReward[r].Failed;
        return new ScoredBatch(results, failed);
    }

    private (double?[] Scores, int Failed) ScoreOne(WeightedReward reward, IReadOnlyList<RewardInput> batch, CancellationToken cancellationToken)
    {
        IReadOnlyList<double?>? scores;
        bool finished;
        try
        {
            finished = TryRun(reward, batch, cancellationToken, out scores);
        }
        catch (Exception ex) when (IsRewardFailure(ex, cancellationToken))
        {
            return ScoreRowByRow(reward, batch, Unwrap(ex), cancellationToken);
        }
        if (finished) return (Checked(reward, scores, batch.Count), 0);

        var timeout = new TimeoutException(TimeoutMessage(batch.Count));
        if (_isolation.FailOnError) throw new RewardFaultException(reward.Name, null, timeout);
        _logger.LogWarning("reward '{Reward}' {Message}; its scores for the batch are null", reward.Name, timeout.Message);
        return (new double?[batch.Count], batch.Count);
    }

    private (double?[] Scores, int Failed) ScoreRowByRow(WeightedReward reward, IReadOnlyList<RewardInput> batch, Exception batchFailure,
        CancellationToken cancellationToken)
    {
        var scores = new double?[batch.Count];
        int failed = 0;
        (string Row, Exception Error)? first = null;
        for (int row = 0; row < batch.Count; row++)
        {
            Exception? failure;
            try
            {
                bool finished = TryRun(reward, [batch[row]], cancellationToken, out var one);
                failure = finished ? null : new TimeoutException(TimeoutMessage(1));
                if (finished) scores[row] = Checked(reward, one, 1)[0];
            }
            catch (Exception ex) when (IsRewardFailure(ex, cancellationToken))
            {
                failure = Unwrap(ex);
            }
            if (failure is null) continue;
            string where = $"row {(row + 1).ToString(CultureInfo.InvariantCulture)} ({batch[row].Row.Id})";
            if (_isolation.FailOnError) throw new RewardFaultException(reward.Name, where, failure);
            failed++;
            first ??= (where, failure);
        }
        if (first is { } f)
            _logger.LogWarning("reward '{Reward}' failed on {Failed} of {Count} completions (first: {Row}: {Error}); they score null",
                reward.Name, failed, batch.Count, f.Row, Describe(f.Error));
        else
            _logger.LogWarning("reward '{Reward}' failed on the batch of {Count} ({Error}) but on no completion alone; scored one by one",
                reward.Name, batch.Count, Describe(batchFailure));
        return (scores, failed);
    }

    /// <summary>Runs the reward on <paramref name="batch"/>: false when it did not finish within the timeout.</summary>
    private bool TryRun(WeightedReward reward, IReadOnlyList<RewardInput> batch, CancellationToken cancellationToken, out IReadOnlyList<double?>? scores)
    {
        scores = null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var task = Task.Run(() => reward.Model.Score(batch, timeout.Token), CancellationToken.None);
        try
        {
            if (!task.Wait(_isolation.Timeout, cancellationToken))
            {
                timeout.Cancel(); // a cooperative reward stops; a hung one is abandoned on its thread-pool thread
                return false;
            }
        }
        catch (AggregateException)
        {
            // The reward threw: GetResult below rethrows its own exception rather than the task's wrapper.
        }
        scores = task.GetAwaiter().GetResult();
        return true;
    }

    private string TimeoutMessage(int count) =>
        $"exceeded its timeout of {_isolation.Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s on a batch of {count}";

    /// <summary>An exception of the reward's own, as opposed to bad input, a fault already described, or the caller's cancellation.</summary>
    private static bool IsRewardFailure(Exception ex, CancellationToken cancellationToken) =>
        ex is not (ForgeDataException or RewardFaultException) && !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested);

    /// <summary>The reward's own exception inside the wrappers of tasks and reflection.</summary>
    private static Exception Unwrap(Exception ex)
    {
        while (true)
        {
            switch (ex)
            {
                case AggregateException { InnerExceptions.Count: > 0 } aggregate: ex = aggregate.InnerExceptions[0]; break;
                case TargetInvocationException { InnerException: { } inner }: ex = inner; break;
                default: return ex;
            }
        }
    }

    private static string Describe(Exception ex) => $"{ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")}";

    private static double?[] Checked(WeightedReward reward, IReadOnlyList<double?>? scores, int expected)
    {
        if (scores is null || scores.Count != expected)
        {
            throw new RewardFaultException(reward.Name, null,
                new InvalidOperationException($"returned {scores?.Count.ToString(CultureInfo.InvariantCulture) ?? "null instead of"} scores for {expected} completions"));
        }
        var result = new double?[expected];
        for (int i = 0; i < expected; i++)
            result[i] = scores[i] is double v && !double.IsFinite(v) ? null : scores[i];
        return result;
    }
}
