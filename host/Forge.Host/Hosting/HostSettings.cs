namespace Forge.Host.Hosting;

/// <summary>What the global command-line options say about building the host.</summary>
/// <param name="ConfigFile">--config FILE, layered over appsettings.json.</param>
/// <param name="PluginDirectories">--plugins DIR (repeatable), added to Forge:PluginDirectories.</param>
/// <param name="Overrides">--set KEY=VALUE (repeatable), applied last.</param>
/// <param name="Verbose">--verbose: debug logging and stack traces.</param>
internal sealed record HostSettings(string? ConfigFile, IReadOnlyList<string> PluginDirectories, IReadOnlyList<string> Overrides, bool Verbose)
{
    /// <summary>Console logging below Warning is off (a live progress display owns the terminal).</summary>
    public bool QuietConsoleLog { get; init; }
}
