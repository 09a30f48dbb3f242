using Forge.Contracts.Plugins;
using Forge.Contracts.Training;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.MyOptimizer;

/// <summary>The plugin's entry point: select it with <c>"Optimizer": "my-optimizer"</c> in an <c>rl</c> stage.</summary>
[ForgePlugin("my-optimizer", PluginKind.Optimizer, Description = "REINFORCE with a group-mean baseline and an optional k3 KL penalty")]
public sealed class SampleOptimizerPlugin : IForgePlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services, PluginContext context) =>
        services.AddForgePlugin<IPolicyOptimizer, SampleOptimizer, SampleOptimizerOptions>(context);
}
