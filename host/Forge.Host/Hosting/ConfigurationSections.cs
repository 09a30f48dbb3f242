using Forge.Contracts.Plugins;
using Forge.Core;
using Forge.Core.Configuration;
using Forge.Core.Plugins;
using Microsoft.Extensions.Configuration;

namespace Forge.Host.Hosting;

/// <summary>
/// The top of the configuration: only known sections (a misspelled <c>Pipeline</c> or <c>Reward</c> would otherwise
/// do nothing), the host's own <c>Forge</c> section bound strictly (<see cref="ForgeOptions"/>) and the log levels of
/// <c>Logging</c> checked (<see cref="LoggingLevels"/>). <c>Run</c> is informational: a run folder's config.json
/// records the command line, pipeline, seed and version there, and reading it back changes nothing.
/// </summary>
internal static class ConfigurationSections
{
    private static readonly string[] Known =
        ["Forge", "Logging", "Pipelines", "Run", .. Enum.GetValues<PluginKind>().Select(PluginKinds.SectionName)];

    /// <summary>Throws <see cref="ForgeDataException"/> for an unknown top-level section, Forge key or log level; returns the Forge section.</summary>
    public static ForgeOptions Check(IConfiguration configuration)
    {
        foreach (var section in configuration.GetChildren())
            if (!Known.Contains(section.Key, StringComparer.OrdinalIgnoreCase))
                throw new ForgeDataException($"{section.Path}: unknown section; {KeySuggestion.For(section.Key, Known, "sections")}");
        LoggingLevels.Check(configuration.GetSection("Logging"));
        var forge = configuration.GetSection("Forge");
        var options = StrictBinder.Bind<ForgeOptions>(forge);
        OptionsValidator.Validate(options, forge.Path);
        return options;
    }
}
