using Forge.Core.Evaluation;
using Forge.Core.Pipelines;
using Forge.Core.Plugins;
using Forge.Core.Prompts;

namespace Forge.Core.Stages;

/// <summary>
/// The evaluation that applies to a stage that produced a model — its own <c>Eval</c>, else the pipeline's
/// (<see cref="StageContext.Eval"/>) — run on the stage's model. Per-task results also go to <c>eval/&lt;stage&gt;.json</c>.
/// </summary>
public static class StageEvaluation
{
    /// <summary>Evaluates <paramref name="model"/> when an evaluation applies; null otherwise.</summary>
    public static EvalResult? Run(StageContext context, IPluginResolver plugins, StageModel model, PromptTemplate template, string? promptSource = null,
        int maxNewTokens = 256)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Eval is not { } eval) return null;
        var settings = EvalSettings.From(eval, promptSource, maxNewTokens, context.EvalKey);
        var report = ModelEvaluation.Run(plugins, model, template, settings, context.CheckpointDirectory, context.Seed, context.CancellationToken);
        EvalFile.Write(context.EvalPath, report);
        return report.Overall;
    }
}
