using Forge.Contracts.Plugins;
using Forge.Contracts.Training;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Plugins.Ppo;

/// <summary>Exports <c>ppo</c>.</summary>
[ForgePlugin("ppo", PluginKind.Optimizer, Description = "PPO: value head, per-token KL penalty, GAE, clipped policy and value losses")]
public sealed class PpoPlugin : IForgePlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services, PluginContext context) =>
        services.AddForgePlugin<IPolicyOptimizer, PpoOptimizer, PpoOptions>(context);
}
