using Forge.Contracts.Plugins;
using Forge.Contracts.Rewards;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.MyReward;

/// <summary>The plugin's entry point: its name in configuration, its kind, and its services.</summary>
[ForgePlugin("my-reward", PluginKind.Reward, Description = "Rewards:my-reward:Score when the completion contains Rewards:my-reward:Keyword")]
public sealed class SampleRewardPlugin : IForgePlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services, PluginContext context) =>
        services.AddForgePlugin<IRewardModel, SampleReward, SampleRewardOptions>(context);
}
