using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Forge.Contracts.Plugins;

/// <summary>Registration helpers for plugin modules.</summary>
public static class PluginServiceCollectionExtensions
{
    /// <summary>
    /// Registers <typeparamref name="TImplementation"/> as the keyed singleton <typeparamref name="TContract"/> named
    /// <see cref="PluginContext.Name"/>, with <typeparamref name="TOptions"/> bound from the plugin's section and
    /// validated (data annotations) when the host starts. The implementation's constructor may take
    /// <typeparamref name="TOptions"/> and any host service (e.g. <c>ILogger&lt;T&gt;</c>).
    /// </summary>
    public static IServiceCollection AddForgePlugin<TContract, TImplementation, TOptions>(
        this IServiceCollection services, PluginContext context)
        where TContract : class
        where TImplementation : class, TContract
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(context);
        services.AddOptions<TOptions>(context.Name)
            .Bind(context.Options, binder => binder.ErrorOnUnknownConfiguration = true)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddKeyedSingleton<TContract>(context.Name, (provider, _) =>
        {
            var options = provider.GetRequiredService<IOptionsMonitor<TOptions>>().Get(context.Name);
            return ActivatorUtilities.CreateInstance<TImplementation>(provider, options);
        });
        return services;
    }

    /// <summary>Registers an implementation that has no options.</summary>
    public static IServiceCollection AddForgePlugin<TContract, TImplementation>(
        this IServiceCollection services, PluginContext context)
        where TContract : class
        where TImplementation : class, TContract
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(context);
        services.AddKeyedSingleton<TContract>(context.Name,
            (provider, _) => ActivatorUtilities.CreateInstance<TImplementation>(provider));
        return services;
    }
}
