namespace Forge.Core.Plugins;

/// <summary>Finds plugins by their exported name; the host implements it over the loaded plugin assemblies.</summary>
public interface IPluginResolver
{
    /// <summary>
    /// The plugin of contract <typeparamref name="T"/> named <paramref name="name"/>. Throws
    /// <see cref="ForgeDataException"/> naming the available plugins of that kind when there is none, or the plugin's
    /// message when it fails to construct.
    /// </summary>
    T Resolve<T>(string name) where T : class;

    /// <summary>Names of the available plugins of contract <typeparamref name="T"/>.</summary>
    IReadOnlyList<string> Available<T>() where T : class;
}
