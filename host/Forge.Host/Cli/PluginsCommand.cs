using System.CommandLine;
using System.Text.Json;
using Forge.Core.Data;
using Forge.Core.Plugins;

namespace Forge.Host.Cli;

/// <summary>
/// <c>forge plugins [--json]</c>: one line per loaded plugin — name, kind, version, assembly; <c>--sha256</c>: the hash
/// of every file in every plugin folder, for <c>Forge:AllowedPluginSha256</c> (<see cref="PluginHashes"/>).
/// </summary>
internal static class PluginsCommand
{
    public static Command Create(CliContext cli)
    {
        var json = new Option<bool>("--json") { Description = "Print a JSON array instead of a table" };
        var reference = new Option<bool>("--reference") { Description = "Print the configuration reference (every stage and plugin option) as Markdown" };
        var sha256 = new Option<bool>("--sha256")
        {
            Description = "Print the SHA-256 of every file in every plugin folder (what Forge:AllowedPluginSha256 must list), loading no plugin",
        };
        var command = new Command("plugins", "List the plugins found in the plugin directories") { json, reference, sha256 };
        command.SetAction(parse => parse.GetValue(sha256)
            ? cli.Guard(parse, () => PluginHashes.Write(cli.Out, cli.Globals.Read(parse), parse.GetValue(json)))
            : cli.WithApplication(parse, app =>
        {
            if (parse.GetValue(reference))
            {
                cli.Out.Write(ConfigurationReference.Write(app));
                return 0;
            }
            var plugins = app.Catalog.Plugins;
            if (parse.GetValue(json))
            {
                cli.Out.WriteLine(JsonSerializer.Serialize(plugins.Select(p => new
                {
                    name = p.Name,
                    kind = PluginKinds.DisplayName(p.Kind),
                    version = p.Version,
                    assembly = p.AssemblyPath,
                    description = p.Description,
                }), ForgeJson.Compact));
                return 0;
            }
            int nameWidth = Math.Max(4, plugins.Select(p => p.Name.Length).DefaultIfEmpty(0).Max());
            foreach (var p in plugins)
                cli.Out.WriteLine($"{p.Name.PadRight(nameWidth)}  {PluginKinds.DisplayName(p.Kind),-13}  {p.Version,-8}  {p.AssemblyPath}");
            return 0;
        }));
        return command;
    }
}
