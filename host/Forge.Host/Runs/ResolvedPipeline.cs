using System.Collections;
using System.Reflection;
using Forge.Contracts.Plugins;
using Forge.Core.Configuration;
using Forge.Core.Pipelines;
using Forge.Core.Plugins;
using Forge.Core.Stages;
using Forge.Host.Hosting;

namespace Forge.Host.Runs;

/// <summary>A section's effective settings under a title: the Forge section, or a plugin a stage uses.</summary>
/// <param name="Title">What the section is (<c>reward accuracy</c>).</param>
/// <param name="Section">Its configuration key (<c>Rewards:accuracy</c>).</param>
/// <param name="Settings">Its settings, defaults included.</param>
internal sealed record SettingsGroup(string Title, string Section, IReadOnlyList<EffectiveSetting> Settings);

/// <summary>A stage as it will run: every setting of its options class and of the plugins it names.</summary>
/// <param name="Name">The stage's name.</param>
/// <param name="Kind">Its kind.</param>
/// <param name="Section">Its configuration key (<c>Pipelines:r1-mini:Stages:0</c>).</param>
/// <param name="Settings">Its settings, the evaluation that applies to it included.</param>
/// <param name="Plugins">The plugins it names, with their options.</param>
internal sealed record ResolvedStage(string Name, string Kind, string Section, IReadOnlyList<EffectiveSetting> Settings, IReadOnlyList<SettingsGroup> Plugins);

/// <summary>
/// A checked pipeline with every effective setting and where it came from (<c>forge run --dry-run</c>): the run's
/// pipeline and seed, the Forge section, and each stage with its options class's keys — defaults included — and the
/// options of every plugin it names.
/// </summary>
/// <param name="Pipeline">The pipeline's name and what chose it.</param>
/// <param name="Seed">The run's seed and what chose it.</param>
/// <param name="RunFolder">The run folder a real run would write.</param>
/// <param name="Forge">The Forge section.</param>
/// <param name="Stages">The stages in order.</param>
internal sealed record ResolvedPipeline(EffectiveSetting Pipeline, EffectiveSetting Seed, string RunFolder, SettingsGroup Forge, IReadOnlyList<ResolvedStage> Stages)
{
    public static ResolvedPipeline Of(ForgeApplication app, PipelinePlan plan, EffectiveSetting pipeline, EffectiveSetting seed, string runFolder)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(plan);
        var layers = app.Layers;
        var forgeSection = app.Configuration.GetSection("Forge");
        var forge = new SettingsGroup("Forge", forgeSection.Path,
            EffectiveSettings.Of(StrictBinder.Bind<ForgeOptions>(forgeSection), forgeSection.Path, layers));
        var stages = plan.Stages.Select(stage => Stage(app, plan, stage)).ToList();
        return new ResolvedPipeline(pipeline, seed, runFolder, forge, stages);
    }

    /// <summary>The plugins the pipeline's stages name (and the evaluations that apply to them), each once, in stage order.</summary>
    public static IReadOnlyList<(PluginKind Kind, string Name)> PluginsOf(PipelinePlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return plan.Stages.SelectMany(stage => PluginsOf(plan, stage)).Distinct().ToList();
    }

    private static ResolvedStage Stage(ForgeApplication app, PipelinePlan plan, PlannedStage stage)
    {
        var settings = EffectiveSettings.Of(stage.Options, stage.Section.Path, app.Layers, nameof(StageOptions.Eval)).ToList();
        if (stage.Options is TrainingStageOptions)
        {
            // Only training stages evaluate their model: show the evaluation that applies (the stage's, else the pipeline's).
            string evalKey = stage.Options.Eval is null ? $"{plan.Section.Path}:Eval" : $"{stage.Section.Path}:Eval";
            if (plan.EvalOf(stage) is { } eval)
                settings.AddRange(EffectiveSettings.Of(eval, evalKey, app.Layers).Select(s => s with { Key = "Eval:" + s.Key }));
            else settings.Add(new EffectiveSetting("Eval", "off", app.Layers.SourceOf(evalKey)));
        }
        var plugins = PluginsOf(plan, stage).Select(p => Plugin(app, p.Kind, p.Name)).ToList();
        return new ResolvedStage(stage.Name, stage.Kind, stage.Section.Path, settings.OrderBy(s => s.Key, StringComparer.OrdinalIgnoreCase).ToList(), plugins);
    }

    /// <summary>The plugins a stage names, and those of the evaluation that applies to it (training stages only).</summary>
    private static IEnumerable<(PluginKind Kind, string Name)> PluginsOf(PipelinePlan plan, PlannedStage stage)
    {
        var referenced = new List<object> { stage.Options };
        if (stage.Options is TrainingStageOptions && plan.EvalOf(stage) is { } eval) referenced.Add(eval);
        return referenced.SelectMany(PluginsNamed).Distinct();
    }

    private static SettingsGroup Plugin(ForgeApplication app, PluginKind kind, string name)
    {
        var (instance, types) = app.PluginOptionTypes.FirstOrDefault(p => p.Key.Plugin.Kind == kind && p.Key.Name == name);
        if (instance is null) // registered by another plugin's services, not by a plugin export: no options section of its own
            return new SettingsGroup($"{PluginKinds.DisplayName(kind)} {name}", PluginKinds.SectionPath(kind, name), []);
        string title = InlinePlugins.IsInstanceName(name) ? $"{PluginKinds.DisplayName(kind)} {instance.Plugin.Name} (its shared section with the stage's inline options over it)"
            : $"{PluginKinds.DisplayName(kind)} {name}" + (instance.Plugin.Name == name ? "" : $" (plugin {instance.Plugin.Name})");
        var section = instance.Options;
        var settings = types.Count == 0
            ? EffectiveSettings.Of(section, app.Layers)
            : types.SelectMany(t => EffectiveSettings.Of(StrictBinder.Bind(t, section), section.Path, app.Layers)).DistinctBy(s => s.Key).ToList();
        return new SettingsGroup(title, section.Path, settings);
    }

    /// <summary>The plugin instances an options object names, its own Eval left to the caller.</summary>
    private static IEnumerable<(PluginKind Kind, string Name)> PluginsNamed(object options) =>
        PluginReferences.Of(options, "", p => p.Name != nameof(StageOptions.Eval)).Select(r => (r.Kind, r.Instance));
}
