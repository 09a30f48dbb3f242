using System.ComponentModel;
using Forge.Core.Stages;
using Microsoft.Extensions.Configuration;

namespace Forge.Core.Pipelines;

/// <summary>A pipeline's section, <c>Pipelines:&lt;name&gt;</c>.</summary>
public sealed class PipelineOptions
{
    /// <summary>The stages, in order; each is bound by its kind's options class.</summary>
    [Description("The stages, run in order: { \"Name\", \"Kind\", …the kind's keys }")]
    public List<IConfigurationSection> Stages { get; set; } = [];

    /// <summary>Evaluation of every stage that produces a model (a stage's own Eval wins).</summary>
    [Description("Evaluation of every stage that produces a model (a stage's own Eval wins)")]
    public EvalOptions? Eval { get; set; }
}
