using System.CommandLine;
using System.Text.Json;
using Forge.Core.Data;
using Forge.Core.Plugins;

namespace Forge.Host.Cli;

/// <summary><c>forge plugins [--json]</c>: one line per loaded plugin — name, kind, version, assembly.</summary>
internal static class PluginsCommand
{
    public static Command Create(CliContext cli)
    {
        var json = new Option<bool>("--json") { Description = "Print a JSON array instead of a table" };
        var reference = new Option<bool>("--reference") { Description = "Print the configuration reference (every stage and plugin option) as Markdown" };
        var command = new Command("plugins", "List the plugins found in the plugin directories") { json, reference };
        command.SetAction(parse => cli.WithApplication(parse, app =>
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
