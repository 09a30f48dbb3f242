using System.Text;
using Forge.Core.Configuration;
using Forge.Core.Pipelines;
using Forge.Core.Plugins;
using Forge.Host.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Host.Cli;

/// <summary>
/// The whole configuration reference (<c>forge plugins --reference</c>): the host's <c>Forge</c> section, a pipeline's
/// keys, every stage kind's keys and every loaded plugin's options, generated from their options classes. README's
/// "Configuration reference" section is this output (a test keeps them equal).
/// </summary>
internal static class ConfigurationReference
{
    public static string Write(ForgeApplication app)
    {
        var text = new StringBuilder();
        text.Append(OptionsReference.Table("#### `Forge`", typeof(ForgeOptions))).Append('\n');
        text.Append(OptionsReference.Table("#### `Pipelines:<name>`", typeof(PipelineOptions))).Append('\n');
        foreach (var kind in app.Services.GetServices<StageKind>().OrderBy(k => k.Name, StringComparer.Ordinal))
            text.Append(OptionsReference.Table($"#### Stage `{kind.Name}`", kind.OptionsType)).Append('\n');
        foreach (var plugin in app.Catalog.Plugins.OrderBy(p => p.Kind).ThenBy(p => p.Name, StringComparer.Ordinal))
        {
            string heading = $"#### `{PluginKinds.SectionPath(plugin.Kind, plugin.Name)}` ({PluginKinds.DisplayName(plugin.Kind)} `{plugin.Name}`)";
            var types = app.PluginOptionTypes.FirstOrDefault(t => t.Key.Plugin == plugin && t.Key.Name == plugin.Name).Value ?? [];
            if (types.Count == 0) text.Append(heading).Append("\n\nNo options.\n\n");
            foreach (var type in types) text.Append(OptionsReference.Table(heading, type, plugin.Description)).Append('\n');
        }
        return text.ToString().TrimEnd() + "\n";
    }
}
