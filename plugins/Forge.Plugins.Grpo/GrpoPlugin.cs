using Forge.Contracts.Plugins;
using Forge.Contracts.Training;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Plugins.Grpo;

/// <summary>Exports <c>grpo</c>.</summary>
[ForgePlugin("grpo", PluginKind.Optimizer, Description = "GRPO with DAPO / Dr. GRPO / GSPO variants: group-relative advantages, clipped ratio, k3 KL")]
public sealed class GrpoPlugin : IForgePlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services, PluginContext context) =>
        services.AddForgePlugin<IPolicyOptimizer, GrpoOptimizer, GrpoOptions>(context);
}
