using System.Globalization;
using Forge.Contracts.Rewards;
using Forge.Core.Plugins;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Forge.Core.Rewards;

/// <summary>Builds a <see cref="RewardComposer"/> from reward names and weights, resolving each reward plugin by name.</summary>
public sealed class RewardComposerFactory(IPluginResolver plugins, IOptions<RewardIsolationOptions> isolation, ILoggerFactory loggers)
{
    /// <summary>A composer over the named rewards with the given weights.</summary>
    public RewardComposer Create(IEnumerable<(string Name, double Weight)> rewards) =>
        Create(rewards.Select(r => (r.Name, r.Name, r.Weight)));

    /// <summary>A composer over a stage's <c>Rewards</c>: each entry's name in metrics, its plugin instance, its weight.</summary>
    public RewardComposer Create(IReadOnlyDictionary<string, RewardSelection> rewards)
    {
        ArgumentNullException.ThrowIfNull(rewards);
        return Create(rewards.Select(r => (r.Key, r.Value.InstanceName(r.Key), r.Value.Weight)));
    }

    private RewardComposer Create(IEnumerable<(string Name, string Instance, double Weight)> rewards)
    {
        var weighted = rewards.Select(r => new WeightedReward(r.Name, plugins.Resolve<IRewardModel>(r.Instance), r.Weight)).ToList();
        if (weighted.Count == 0) throw new ForgeDataException("no rewards configured");
        return new RewardComposer(weighted, isolation.Value, loggers.CreateLogger<RewardComposer>());
    }

    /// <summary>
    /// A composer from a configuration section mapping reward names to weights, e.g.
    /// <c>"Rewards": { "accuracy": 1.0, "format": 0.5 }</c>.
    /// </summary>
    public RewardComposer Create(IConfigurationSection section)
    {
        var rewards = new List<(string, double)>();
        foreach (var child in section.GetChildren())
        {
            if (!double.TryParse(child.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double weight) || !double.IsFinite(weight))
                throw new ForgeDataException($"{child.Path}: weight '{child.Value}' is not a number");
            rewards.Add((child.Key, weight));
        }
        if (rewards.Count == 0) throw new ForgeDataException($"{section.Path}: no rewards configured (expected {{\"name\": weight, …}})");
        return Create(rewards);
    }
}
