using Forge.Core.Evaluation;
using Forge.Core.Metrics;
using Forge.Core.Pipelines;
using Forge.Core.Plugins;
using Forge.Core.Prompts;

namespace Forge.Core.Stages;

/// <summary>
/// The evaluation that applies to a stage that produced a model — its own <c>Eval</c>, else the pipeline's
/// (<see cref="StageContext.Eval"/>) — run on the stage's model. Per-task results go to <c>eval/&lt;stage&gt;.json</c>,
/// and the overall pass@1 and cons@k to the stage's metrics (<c>metrics.jsonl</c> and TensorBoard) as one record after
/// its last training step, whatever the stage's kind.
/// </summary>
public static class StageEvaluation
{
    /// <summary>The metric key of held-out pass@1.</summary>
    public const string PassAt1Key = "eval/pass_at_1";

    /// <summary>The metric key of held-out cons@k.</summary>
    public const string ConsAtKKey = "eval/cons_at_k";

    /// <summary>
    /// Evaluates <paramref name="model"/> when an evaluation applies and records the result in <paramref name="metrics"/>
    /// at <paramref name="step"/>; null when none applies.
    /// </summary>
    public static EvalResult? Run(StageContext context, IPluginResolver plugins, StageModel model, PromptTemplate template, MetricsLog metrics, int step,
        string? promptSource = null, int maxNewTokens = 256)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(metrics);
        if (context.Eval is not { } eval) return null;
        var settings = EvalSettings.From(eval, promptSource, maxNewTokens, context.EvalKey);
        var report = ModelEvaluation.Run(plugins, model, template, settings, context.CheckpointDirectory, context.Seed, context.CancellationToken);
        EvalFile.Write(context.EvalPath, report);
        metrics.Record(context.Name, step, new Dictionary<string, double> { [PassAt1Key] = report.Overall.PassAt1, [ConsAtKKey] = report.Overall.ConsAtK });
        return report.Overall;
    }
}
