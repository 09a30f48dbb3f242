using System.Text.Json;
using Forge.Core;
using Microsoft.Extensions.Configuration;

namespace Forge.Host.Hosting;

/// <summary>
/// Configuration layers, later ones winning: appsettings.json beside the executable, <c>--config FILE</c>,
/// environment variables prefixed <c>FORGE_</c> (<c>FORGE_Rewards__accuracy__Tolerance</c>), <c>--set KEY=VALUE</c>.
/// </summary>
internal static class ForgeConfiguration
{
    public static ConfigurationManager Build(HostSettings settings)
    {
        var configuration = new ConfigurationManager();
        configuration.SetBasePath(AppContext.BaseDirectory);
        AddJson(configuration, Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true);
        if (settings.ConfigFile is not null)
        {
            string path = Path.GetFullPath(settings.ConfigFile);
            if (!Path.Exists(path)) throw new ForgeDataException($"config file {settings.ConfigFile} does not exist");
            AddJson(configuration, path, optional: false);
        }
        configuration.AddEnvironmentVariables("FORGE_");
        configuration.AddInMemoryCollection(Overrides(settings.Overrides));
        return configuration;
    }

    private static void AddJson(ConfigurationManager configuration, string path, bool optional)
    {
        if (optional && !File.Exists(path)) return;
        try
        {
            // Validate first: the JSON provider's own error does not say which file it was reading.
            using (JsonDocument.Parse(Core.Data.BoundedFile.ReadAllText(path, Core.Data.BoundedFile.SmallJsonBytes, "configuration"), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })) { }
            configuration.AddJsonFile(path, optional: false, reloadOnChange: false);
        }
        catch (JsonException ex)
        {
            throw new ForgeDataException($"config file {path} is not valid JSON: {ex.Message}");
        }
    }

    /// <summary>
    /// The --set assignments as one layer: a key set twice (keys are case-insensitive, as in the configuration) keeps
    /// the last value, as a later layer overrides an earlier one.
    /// </summary>
    private static Dictionary<string, string?> Overrides(IEnumerable<string> assignments)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in assignments.Select(ParseOverride)) values[key] = value;
        return values;
    }

    private static KeyValuePair<string, string?> ParseOverride(string assignment)
    {
        int eq = assignment.IndexOf('=');
        if (eq <= 0) throw new ForgeDataException($"--set '{assignment}': expected KEY=VALUE, e.g. --set Forge:RewardIsolation:FailOnError=true");
        return new(assignment[..eq].Trim(), assignment[(eq + 1)..]);
    }
}
