using System.Collections;
using System.Reflection;
using Forge.Contracts.Data;
using Forge.Contracts.Plugins;
using Forge.Contracts.Rewards;
using Forge.Contracts.Sampling;
using Forge.Contracts.Training;
using Forge.Core.Configuration;
using Forge.Core.Devices;
using Forge.Core.Plugins;
using Forge.Core.Stages;

namespace Forge.Core.Pipelines;

/// <summary>
/// What a pipeline needs of the world, checked before its first stage: every plugin it names exists, every device
/// can be used, every path exists or is written by an earlier stage.
/// </summary>
public static class PipelineChecks
{
    /// <summary>Throws <see cref="ForgeDataException"/> for the first problem, naming its key.</summary>
    public static void Check(PipelinePlan plan, IPluginResolver plugins, string runDirectory)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(plugins);
        var earlier = new List<string>();
        var available = Enum.GetValues<PluginKind>().ToDictionary(k => k, k => Names(plugins, k));
        if (plan.Options.Eval is { } pipelineEval)
            foreach (var reference in PluginReferences.Of(pipelineEval, $"{plan.Section.Path}:Eval")) Require(available, reference.Kind, reference.Plugin, reference.Key);
        foreach (var stage in plan.Stages)
        {
            string path = stage.Section.Path;
            try
            {
                DeviceSelector.Parse(stage.Options.Device);
            }
            catch (ForgeDataException ex)
            {
                throw new ForgeDataException($"{path}:Device: {ex.Message}", ex);
            }
            foreach (var reference in PluginReferences.Of(stage.Options, path)) Require(available, reference.Kind, reference.Plugin, reference.Key);
            Walk(stage.Options, path, earlier, runDirectory);
            if (stage.Options is RejectionSamplingStageOptions { Rewards: { } rewards, Thresholds: var thresholds })
                foreach (string name in thresholds.Keys.Where(n => !rewards.ContainsKey(n)))
                    throw new ForgeDataException($"{path}:Thresholds:{name}: no reward '{name}' in Rewards; add it there (weight 0 scores without weighting)");
            earlier.Add(stage.Name);
        }
    }

    /// <summary>The path settings (<see cref="PathSettingAttribute"/>), nested sections included.</summary>
    private static void Walk(object options, string path, List<string> earlier, string runDirectory)
    {
        foreach (var property in StrictBinder.Properties(options.GetType()).Values)
        {
            object? value = property.GetValue(options);
            if (value is null) continue;
            string key = property.GetCustomAttribute<FlattenAttribute>() is null ? $"{path}:{property.Name}" : path;
            if (property.GetCustomAttribute<PathSettingAttribute>() is { } pathSetting && value is string file && file != pathSetting.Except)
            {
                RequirePath(file, key, earlier, runDirectory);
            }
            else if (value is not string && !value.GetType().IsValueType && value is not IEnumerable && value is not PluginSelection
                && property.GetCustomAttribute<PluginReferenceAttribute>() is null
                && value is not Microsoft.Extensions.Configuration.IConfigurationSection)
            {
                Walk(value, key, earlier, runDirectory);
            }
        }
    }

    private static void Require(Dictionary<PluginKind, IReadOnlyList<string>> available, PluginKind kind, string name, string key)
    {
        if (available[kind].Contains(name, StringComparer.Ordinal)) return;
        if (name.Length == 0) throw new ForgeDataException($"{key}: missing {PluginKinds.DisplayName(kind)} plugin name; {KeySuggestion.For(name, available[kind], "available")}");
        throw new ForgeDataException($"{key}: no {PluginKinds.DisplayName(kind)} plugin named '{name}'; {KeySuggestion.For(name, available[kind], "available")}");
    }

    /// <summary>A path exists as the stage would resolve it, or an earlier stage writes it.</summary>
    private static void RequirePath(string value, string key, List<string> earlier, string runDirectory)
    {
        if (StagePaths.Resolve(value, runDirectory) is { } resolved && (File.Exists(resolved) || Directory.Exists(resolved))) return;
        string normalized = value.Replace('\\', '/').TrimEnd('/');
        foreach (string stage in earlier)
            if (normalized == $"checkpoints/{stage}" || normalized == $"data/{stage}.jsonl") return;
        throw new ForgeDataException($"{key}: '{value}' does not exist (relative paths resolve against the run folder, then the executable's folder, then the working directory; an earlier stage's checkpoints/<stage> and data/<stage>.jsonl count)");
    }

    private static IReadOnlyList<string> Names(IPluginResolver plugins, PluginKind kind) => (kind switch
    {
        PluginKind.Reward => plugins.Available<IRewardModel>(),
        PluginKind.Optimizer => plugins.Available<IPolicyOptimizer>(),
        PluginKind.Sampler => plugins.Available<ISampler>(),
        PluginKind.Distiller => plugins.Available<IDistiller>(),
        PluginKind.PromptSource => plugins.Available<IPromptSource>(),
        _ => (IReadOnlyList<string>)[],
    }).Where(n => !InlinePlugins.IsInstanceName(n)).ToList();
}
