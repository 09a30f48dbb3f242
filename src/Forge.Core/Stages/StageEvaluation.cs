using Forge.Core.Evaluation;
using Forge.Core.Pipelines;
using Forge.Core.Plugins;
using Forge.Core.Prompts;
using Microsoft.Extensions.Configuration;

namespace Forge.Core.Stages;

/// <summary>
/// The <c>Eval</c> section of a stage that produced a model — or, when the stage has none, the pipeline's <c>Eval</c>
/// section, so one setting evaluates every stage (see <see cref="EvalSettings"/>). Per-task results also go to
/// <c>eval/&lt;stage&gt;.json</c>.
/// </summary>
public static class StageEvaluation
{
    /// <summary>Evaluates <paramref name="model"/> when an <c>Eval</c> section applies; null otherwise.</summary>
    public static EvalResult? Run(StageContext context, IPluginResolver plugins, StageModel model, PromptTemplate template)
    {
        ArgumentNullException.ThrowIfNull(context);
        var section = context.Settings.GetSection("Eval");
        if (!section.Exists() && context.PipelineSettings is { } pipeline) section = pipeline.GetSection("Eval");
        if (!section.Exists() || section["Enabled"] == "false") return null;
        var settings = EvalSettings.From(section, context.Settings["PromptSource"], context.Settings.GetValue("Generation:MaxNewTokens", 256));
        var report = ModelEvaluation.Run(plugins, model, template, settings, context.CheckpointDirectory, context.Seed, context.CancellationToken);
        EvalFile.Write(context.EvalPath, report);
        return report.Overall;
    }
}
