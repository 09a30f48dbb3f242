using Forge.Contracts.Rewards;

namespace Forge.Core.Rewards;

/// <summary>A reward plugin with its configured name and weight in the total.</summary>
public sealed record WeightedReward(string Name, IRewardModel Model, double Weight);
