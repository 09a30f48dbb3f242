using System.Text.Json;
using Forge.Core.Data;
using Forge.Host.Runs;

namespace Forge.Host.Cli;

/// <summary>
/// What <c>forge run --dry-run</c> prints: one <c>key = value  (source)</c> line per setting, grouped by stage (the
/// plugins a stage names indented under it), or the same as one JSON object with <c>--json</c>.
/// </summary>
internal static class DryRunOutput
{
    public static void WriteText(TextWriter output, ResolvedPipeline resolved)
    {
        output.WriteLine($"pipeline = {resolved.Pipeline.Value}  ({resolved.Pipeline.Source})");
        output.WriteLine($"seed = {resolved.Seed.Value}  ({resolved.Seed.Source})");
        output.WriteLine($"run folder = {resolved.RunFolder}  (not created: dry run)");
        output.WriteLine();
        output.WriteLine($"[{resolved.Forge.Section}]");
        WriteSettings(output, resolved.Forge.Settings, "  ");
        for (int i = 0; i < resolved.Stages.Count; i++)
        {
            var stage = resolved.Stages[i];
            output.WriteLine();
            output.WriteLine($"[{stage.Section}] stage {i + 1}/{resolved.Stages.Count}: {stage.Name} ({stage.Kind})");
            WriteSettings(output, stage.Settings, "  ");
            foreach (var plugin in stage.Plugins)
            {
                output.WriteLine($"  [{plugin.Section}] {plugin.Title}");
                if (plugin.Settings.Count == 0) output.WriteLine("    (no settings)");
                WriteSettings(output, plugin.Settings, "    ");
            }
        }
    }

    public static void WriteJson(TextWriter output, ResolvedPipeline resolved)
    {
        static object Settings(IEnumerable<EffectiveSetting> settings) =>
            settings.Select(s => new { key = s.Key, value = s.Value, source = s.Source }).ToList();
        var json = new
        {
            pipeline = new { value = resolved.Pipeline.Value, source = resolved.Pipeline.Source },
            seed = new { value = resolved.Seed.Value, source = resolved.Seed.Source },
            run_folder = resolved.RunFolder,
            forge = new { section = resolved.Forge.Section, settings = Settings(resolved.Forge.Settings) },
            stages = resolved.Stages.Select(stage => new
            {
                name = stage.Name,
                kind = stage.Kind,
                section = stage.Section,
                settings = Settings(stage.Settings),
                plugins = stage.Plugins.Select(p => new { title = p.Title, section = p.Section, settings = Settings(p.Settings) }),
            }),
        };
        output.WriteLine(JsonSerializer.Serialize(json, ForgeJson.Indented));
    }

    private static void WriteSettings(TextWriter output, IEnumerable<EffectiveSetting> settings, string indent)
    {
        foreach (var setting in settings)
            output.WriteLine($"{indent}{setting.Key} = {OneLine(setting.Value)}  ({setting.Source})");
    }

    // A value with a line break (a ChatML template) would break the one-setting-per-line layout.
    private static string OneLine(string value) =>
        value.Contains('\n', StringComparison.Ordinal) || value.Contains('\r', StringComparison.Ordinal)
            ? JsonSerializer.Serialize(value, ForgeJson.Compact)
            : value;
}
