using Forge.Contracts.Rewards;
using Microsoft.Extensions.Logging;

namespace Forge.Core.Rewards;

/// <summary>
/// Scores completions with several rewards and sums them with their weights. A reward that throws is retried row by
/// row so that only the offending rows score null (with a warning); one that exceeds the timeout scores null for the
/// batch. With <see cref="RewardIsolationOptions.FailOnError"/> either case fails instead.
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

    /// <summary>One <see cref="RewardScores"/> per input, in order.</summary>
    public IReadOnlyList<RewardScores> Score(IReadOnlyList<RewardInput> batch, CancellationToken cancellationToken = default)
    {
        var perReward = _rewards.Select(r => ScoreOne(r, batch, cancellationToken)).ToArray();
        var results = new RewardScores[batch.Count];
        for (int row = 0; row < batch.Count; row++)
        {
            var scores = new Dictionary<string, double?>(_rewards.Count);
            double total = 0;
            for (int r = 0; r < _rewards.Count; r++)
            {
                double? value = perReward[r][row];
                scores[_rewards[r].Name] = value;
                if (value is double v) total += _rewards[r].Weight * v;
            }
            results[row] = new RewardScores(scores, total);
        }
        return results;
    }

    private double?[] ScoreOne(WeightedReward reward, IReadOnlyList<RewardInput> batch, CancellationToken cancellationToken)
    {
        try
        {
            return Checked(reward, RunWithTimeout(reward, batch, cancellationToken), batch.Count);
        }
        catch (TimeoutException)
        {
            string message = $"reward '{reward.Name}' exceeded its timeout of {_isolation.Timeout.TotalSeconds:0.###} s on a batch of {batch.Count}";
            if (_isolation.FailOnError) throw new ForgeDataException(message);
            _logger.LogWarning("{Message}; its scores for the batch are null", message);
            return new double?[batch.Count];
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not ForgeDataException)
        {
            return ScoreRowByRow(reward, batch, cancellationToken);
        }
    }

    private double?[] ScoreRowByRow(WeightedReward reward, IReadOnlyList<RewardInput> batch, CancellationToken cancellationToken)
    {
        var scores = new double?[batch.Count];
        for (int row = 0; row < batch.Count; row++)
        {
            try
            {
                scores[row] = Checked(reward, RunWithTimeout(reward, [batch[row]], cancellationToken), 1)[0];
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not ForgeDataException)
            {
                string message = $"reward '{reward.Name}' failed on row {row + 1} ({batch[row].Row.Id}): {ex.Message.ReplaceLineEndings(" ")}";
                if (_isolation.FailOnError) throw new ForgeDataException(message, ex);
                _logger.LogWarning("{Message}; scored null", message);
            }
        }
        return scores;
    }

    private IReadOnlyList<double?> RunWithTimeout(WeightedReward reward, IReadOnlyList<RewardInput> batch, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var task = Task.Run(() => reward.Model.Score(batch, timeout.Token), CancellationToken.None);
        if (!task.Wait(_isolation.Timeout, cancellationToken))
        {
            timeout.Cancel(); // a cooperative reward stops; a hung one is abandoned on its thread-pool thread
            throw new TimeoutException();
        }
        return task.GetAwaiter().GetResult();
    }

    private static double?[] Checked(WeightedReward reward, IReadOnlyList<double?> scores, int expected)
    {
        if (scores.Count != expected)
            throw new ForgeDataException($"reward '{reward.Name}' returned {scores.Count} scores for {expected} completions");
        var result = new double?[expected];
        for (int i = 0; i < expected; i++)
            result[i] = scores[i] is double v && !double.IsFinite(v) ? null : scores[i];
        return result;
    }
}
