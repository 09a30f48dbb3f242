using Forge.Core.Configuration;
using Forge.Core.Stages;
using Microsoft.Extensions.Configuration;

namespace Forge.Core.Pipelines;

/// <summary>
/// A pipeline bound and checked as a whole before its first stage runs: every stage's keys (unknown ones refused with
/// "did you mean …?"), types, ranges, devices, plugin names and the paths that must exist. Every problem is one line
/// naming the full key path (<see cref="ForgeDataException"/>).
/// </summary>
public sealed class PipelinePlan
{
    private PipelinePlan(string name, IConfigurationSection section, PipelineOptions options, IReadOnlyList<PlannedStage> stages)
    {
        Name = name;
        Section = section;
        Options = options;
        Stages = stages;
    }

    /// <summary>The pipeline's name.</summary>
    public string Name { get; }

    /// <summary>The pipeline's section.</summary>
    public IConfigurationSection Section { get; }

    /// <summary>The pipeline's own keys.</summary>
    public PipelineOptions Options { get; }

    /// <summary>The stages, in order.</summary>
    public IReadOnlyList<PlannedStage> Stages { get; }

    /// <summary>Binds <paramref name="section"/> (<c>Pipelines:&lt;name&gt;</c>) and its stages by their kinds' options classes.</summary>
    public static PipelinePlan Bind(string name, IConfigurationSection section, IEnumerable<StageKind> kinds)
    {
        ArgumentNullException.ThrowIfNull(section);
        var byName = kinds.ToDictionary(k => k.Name, StringComparer.Ordinal);
        var options = StrictBinder.Bind<PipelineOptions>(section);
        if (options.Stages.Count == 0) throw new ForgeDataException($"{section.Path}:Stages: the pipeline has no stages");
        if (options.Eval is not null) OptionsValidator.Validate(options.Eval, $"{section.Path}:Eval");
        var stages = new List<PlannedStage>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var stage in options.Stages)
        {
            string kind = stage["Kind"] is { Length: > 0 } k ? k : throw new ForgeDataException($"{stage.Path}:Kind: missing stage kind; {KeySuggestion.For("", byName.Keys, "available")}");
            if (!byName.TryGetValue(kind, out var stageKind))
                throw new ForgeDataException($"{stage.Path}:Kind: unknown stage kind '{kind}'; {KeySuggestion.For(kind, byName.Keys, "available")}");
            var bound = (StageOptions)StrictBinder.Bind(stageKind.OptionsType, stage);
            OptionsValidator.Validate(bound, stage.Path);
            string stageName = bound.Name is { Length: > 0 } n ? n : kind;
            if (!names.Add(stageName)) throw new ForgeDataException($"{stage.Path}:Name: stage name '{stageName}' is used twice");
            if (stageName.IndexOfAny(['/', '\\']) >= 0 || stageName is "." or "..")
                throw new ForgeDataException($"{stage.Path}:Name: '{stageName}' cannot name a folder");
            stages.Add(new PlannedStage(stageName, kind, bound, stage));
        }
        return new PipelinePlan(name, section, options, stages);
    }

    /// <summary>The evaluation that applies to <paramref name="stage"/>: its own Eval, else the pipeline's; null when off.</summary>
    public EvalOptions? EvalOf(PlannedStage stage)
    {
        ArgumentNullException.ThrowIfNull(stage);
        var eval = stage.Options.Eval ?? Options.Eval;
        return eval is { Enabled: true } ? eval : null;
    }
}
