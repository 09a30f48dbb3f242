using Forge.Core;
using Forge.Core.Plugins;
using Forge.Host.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Host.Hosting;

/// <summary>
/// Resolves plugins by name (exported names and configured instances) from the container, with one-line errors for
/// unknown or failing plugins.
/// </summary>
internal sealed class ServiceProviderPluginResolver(IServiceProvider services, IReadOnlyList<PluginInstance> instances) : IPluginResolver
{
    public T Resolve<T>(string name) where T : class
    {
        var kind = PluginKinds.Of<T>();
        var descriptor = instances.FirstOrDefault(i => i.Plugin.Kind == kind && i.Name == name)?.Plugin
            ?? throw new ForgeDataException($"unknown {PluginKinds.DisplayName(kind)} plugin '{name}'; available: {string.Join(", ", Available<T>()) switch { "" => "(none)", var s => s }}");
        try
        {
            return services.GetRequiredKeyedService<T>(name);
        }
        catch (Exception ex) when (ex is not ForgeDataException)
        {
            throw new ForgeDataException(
                $"{PluginKinds.DisplayName(kind)} plugin '{name}' ({Path.GetFileName(descriptor.AssemblyPath)}) failed to construct: {PluginCatalog.Describe(ex)}", ex);
        }
    }

    /// <summary>Names a user can type: inline instances (<c>name@key</c>) are left out.</summary>
    public IReadOnlyList<string> Available<T>() where T : class =>
        instances.Where(i => i.Plugin.Kind == PluginKinds.Of<T>() && !InlinePlugins.IsInstanceName(i.Name))
            .Select(i => i.Name).Order(StringComparer.Ordinal).ToList();
}
