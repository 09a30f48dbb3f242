using Forge.Contracts.Plugins;
using Forge.Contracts.Sampling;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Plugins.Sampling;

/// <summary>Exports <c>kv-cache</c>.</summary>
[ForgePlugin("kv-cache", PluginKind.Sampler, Description = "Batched KV-cache generation: greedy, temperature, top-k/p, min-p, repetition penalty, stops")]
public sealed class SamplingPlugin : IForgePlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services, PluginContext context) =>
        services.AddForgePlugin<ISampler, KvCacheSampler, SamplerOptions>(context);
}
