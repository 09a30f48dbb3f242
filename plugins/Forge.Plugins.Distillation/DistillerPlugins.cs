using Forge.Contracts.Plugins;
using Forge.Contracts.Training;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Plugins.Distillation;

/// <summary>Exports <c>sft</c>.</summary>
[ForgePlugin("sft", PluginKind.Distiller, Description = "Supervised fine-tuning on (prompt, completion) traces; loss on completion tokens only")]
public sealed class SftDistillerPlugin : IForgePlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services, PluginContext context) =>
        services.AddForgePlugin<IDistiller, SftDistiller>(context);
}

/// <summary>Exports <c>kd</c>.</summary>
[ForgePlugin("kd", PluginKind.Distiller, Description = "Token-level distillation from a teacher's logits: forward KL, reverse KL or generalized JSD (GKD)")]
public sealed class KdDistillerPlugin : IForgePlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services, PluginContext context) =>
        services.AddForgePlugin<IDistiller, KdDistiller, KdOptions>(context);
}
