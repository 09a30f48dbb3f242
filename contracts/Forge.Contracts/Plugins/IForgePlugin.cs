using Microsoft.Extensions.DependencyInjection;

namespace Forge.Contracts.Plugins;

/// <summary>
/// A plugin's entry point: registers the plugin's services, keyed by its name, into the host's container.
/// Most plugins call <see cref="PluginServiceCollectionExtensions.AddForgePlugin{TContract, TImplementation, TOptions}"/>.
/// </summary>
public interface IForgePlugin
{
    /// <summary>Registers the plugin's services.</summary>
    /// <param name="services">The host's service collection.</param>
    /// <param name="context">The plugin's name, kind and options section.</param>
    void ConfigureServices(IServiceCollection services, PluginContext context);
}
