using Forge.Contracts.Plugins;
using Forge.Contracts.Training;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Samples.Rloo;

/// <summary>Exports <c>rloo</c>: select it with <c>"Optimizer": "rloo"</c> in an <c>rl</c> stage.</summary>
[ForgePlugin("rloo", PluginKind.Optimizer, Description = "RLOO: leave-one-out baseline, REINFORCE loss on the completion's log-prob, optional k3 KL")]
public sealed class RlooPlugin : IForgePlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services, PluginContext context) =>
        services.AddForgePlugin<IPolicyOptimizer, RlooOptimizer, RlooOptions>(context);
}
