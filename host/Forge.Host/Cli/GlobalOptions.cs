using System.CommandLine;
using Forge.Host.Hosting;

namespace Forge.Host.Cli;

/// <summary>Options every verb accepts.</summary>
internal sealed class GlobalOptions
{
    public Option<string?> Config { get; } = new("--config") { Description = "JSON configuration file layered over appsettings.json (a run folder's config.json repeats that run)", Recursive = true };

    public Option<string[]> Plugins { get; } = new("--plugins") { Description = "Extra plugin directory (repeatable)", Recursive = true, AllowMultipleArgumentsPerToken = false };

    public Option<string[]> Set { get; } = new("--set") { Description = "Configuration override KEY=VALUE, e.g. Rewards:overlong:MaxLength=512 (repeatable)", Recursive = true };

    public Option<bool> Verbose { get; } = new("--verbose") { Description = "Debug logging and stack traces on errors", Recursive = true };

    public void AddTo(RootCommand root)
    {
        root.Options.Add(Config);
        root.Options.Add(Plugins);
        root.Options.Add(Set);
        root.Options.Add(Verbose);
    }

    public HostSettings Read(ParseResult parse) => new(
        parse.GetValue(Config),
        parse.GetValue(Plugins) ?? [],
        parse.GetValue(Set) ?? [],
        parse.GetValue(Verbose));
}
