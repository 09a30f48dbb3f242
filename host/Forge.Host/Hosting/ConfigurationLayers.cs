using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.FileProviders;

namespace Forge.Host.Hosting;

/// <summary>
/// The configuration's layers by name — <c>appsettings.json</c>, <c>--config FILE</c>, <c>env FORGE_…</c>,
/// <c>--set</c> — so that a setting can say where its value came from: the last layer holding the key wins, as in
/// the configuration itself; a key no layer holds is the options class's <c>default</c>.
/// </summary>
internal sealed class ConfigurationLayers
{
    /// <summary>The source of a setting no layer gives.</summary>
    public const string Default = "default";

    private readonly IReadOnlyList<(string Name, IConfigurationProvider Provider)> _layers;

    private ConfigurationLayers(IReadOnlyList<(string Name, IConfigurationProvider Provider)> layers) => _layers = layers;

    /// <summary>The layers <see cref="ForgeConfiguration.Build"/> added, named; call it before anything else adds one.</summary>
    public static ConfigurationLayers Of(IConfigurationRoot configuration, HostSettings settings)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        string appsettings = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "appsettings.json"));
        var layers = configuration.Providers.Select(provider => (provider switch
        {
            JsonConfigurationProvider json when FullPath(json.Source) == appsettings => "appsettings.json",
            JsonConfigurationProvider => $"--config {settings.ConfigFile}",
            EnvironmentVariablesConfigurationProvider => "env",
            MemoryConfigurationProvider => "--set",
            _ => provider.GetType().Name,
        }, provider)).ToList();
        return new ConfigurationLayers(layers);
    }

    /// <summary>Where <paramref name="key"/> (a value, or a section such as a list) gets its value: the last layer holding it.</summary>
    public string SourceOf(string key)
    {
        for (int i = _layers.Count - 1; i >= 0; i--)
        {
            var (name, provider) = _layers[i];
            if (!provider.TryGet(key, out _) && !provider.GetChildKeys([], key).Any()) continue;
            return Named(name, key);
        }
        return Default;
    }

    /// <summary>
    /// The layers other than files (<c>env FORGE_…</c>, <c>--set</c>) that give <paramref name="key"/> an empty value.
    /// Files cannot be told apart: a JSON <c>[]</c> reads as an empty value too.
    /// </summary>
    public IEnumerable<string> EmptyOutsideFiles(string key) => _layers
        .Where(layer => layer.Provider is not FileConfigurationProvider && layer.Provider.TryGet(key, out string? value) && value is "")
        .Select(layer => Named(layer.Name, key));

    private static string Named(string layer, string key) =>
        layer == "env" ? "env FORGE_" + key.Replace(":", "__", StringComparison.Ordinal) : layer;

    private static string? FullPath(FileConfigurationSource source) => source.FileProvider is PhysicalFileProvider files && source.Path is { } path
        ? Path.GetFullPath(Path.Combine(files.Root, path))
        : source.Path;
}
