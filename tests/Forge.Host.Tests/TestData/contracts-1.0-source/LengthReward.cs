using System.ComponentModel.DataAnnotations;
using Forge.Contracts.Plugins;
using Forge.Contracts.Rewards;
using Microsoft.Extensions.DependencyInjection;

namespace Legacy.Rewards;

/// <summary>Options of <c>legacy-length</c>.</summary>
public sealed class LengthOptions
{
    /// <summary>Characters for a full score.</summary>
    [Range(1, 100000)]
    public int Target { get; set; } = 10;
}

/// <summary>min(1, characters / Target): a per-row reward through contracts 1.0's RewardModel.</summary>
public sealed class LengthReward(LengthOptions options) : RewardModel
{
    /// <inheritdoc />
    protected override double? Score(RewardInput input) => Math.Min(1.0, input.Completion.Length / (double)options.Target);
}

/// <summary>Registers <c>legacy-length</c>.</summary>
[ForgePlugin("legacy-length", PluginKind.Reward, Description = "min(1, characters / Target), built against contracts 1.0")]
public sealed class LengthRewardPlugin : IForgePlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services, PluginContext context) =>
        services.AddForgePlugin<IRewardModel, LengthReward, LengthOptions>(context);
}
