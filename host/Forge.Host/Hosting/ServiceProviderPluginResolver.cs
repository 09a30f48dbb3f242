using Forge.Core;
using Forge.Core.Plugins;
using Forge.Host.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Host.Hosting;

/// <summary>Resolves plugins by exported name from the container, with one-line errors for unknown or failing plugins.</summary>
internal sealed class ServiceProviderPluginResolver(IServiceProvider services, PluginCatalog catalog) : IPluginResolver
{
    public T Resolve<T>(string name) where T : class
    {
        var kind = PluginKinds.Of<T>();
        var descriptor = catalog.OfKind(kind).FirstOrDefault(p => p.Name == name)
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

    public IReadOnlyList<string> Available<T>() where T : class =>
        catalog.OfKind(PluginKinds.Of<T>()).Select(p => p.Name).ToList();
}
