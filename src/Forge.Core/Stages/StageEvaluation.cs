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
/// its last training step, whatever the stage's kind. With <c>EvalEvery</c> N a training stage also records them after
/// steps N, 2N, … (<see cref="AfterStep"/>; the last step's is the final one). Every evaluation of a stage samples the
/// same prompts with the same seeds, drawn from the run's seed alone — never from a generator the training draws from —
/// so the curve moves with the model rather than sampling noise, and a resumed run records the same values. In a
/// data-parallel run every rank evaluates its share of the prompts (<see cref="Evaluator.Ranks"/>) and rank 0 writes.
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
    public static EvalResult? Run(StageContext context, IPluginResolver plugins, StageModel model, IPromptTemplate template, MetricsLog metrics, int step,
        string? promptSource = null, int maxNewTokens = 256)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(metrics);
        if (context.Eval is null) return null;
        var report = Evaluate(context, plugins, model, template, promptSource, maxNewTokens, context.CancellationToken);
        if (context.IsMain) EvalFile.Write(context.EvalPath, report);
        Record(context, metrics, step, report.Overall);
        return report.Overall;
    }

    /// <summary>
    /// The periodic evaluation after <paramref name="completedSteps"/> of <paramref name="totalSteps"/>: when the stage's
    /// <c>EvalEvery</c> divides it and it is not the last step (whose evaluation is <see cref="Run"/>'s), evaluates in eval
    /// mode, restores the module's mode, and records at <paramref name="completedSteps"/>. It belongs to the step: it runs
    /// to its end when a stop is asked (the next step boundary writes the stop checkpoint), before the step's checkpoint.
    /// </summary>
    public static void AfterStep(StageContext context, IPluginResolver plugins, StageModel model, IPromptTemplate template, MetricsLog metrics,
        int completedSteps, int totalSteps, string? promptSource = null, int maxNewTokens = 256)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(model);
        int every = context.Options<TrainingStageOptions>().EvalEvery;
        if (context.Eval is null || every <= 0 || completedSteps % every != 0 || completedSteps >= totalSteps) return;
        var module = model.Model.Module;
        bool training = module.training;
        module.eval();
        try
        {
            Record(context, metrics, completedSteps, Evaluate(context, plugins, model, template, promptSource, maxNewTokens, CancellationToken.None).Overall);
        }
        finally
        {
            module.train(training);
        }
    }

    private static EvalReport Evaluate(StageContext context, IPluginResolver plugins, StageModel model, IPromptTemplate template,
        string? promptSource, int maxNewTokens, CancellationToken cancellationToken) =>
        ModelEvaluation.Run(plugins, model, template, EvalSettings.From(context.Eval!, promptSource, maxNewTokens, context.EvalKey),
            context.CheckpointDirectory, context.Seed, cancellationToken, context.Communicator);

    private static void Record(StageContext context, MetricsLog metrics, int step, EvalResult result) =>
        metrics.Record(context.Name, step, new Dictionary<string, double> { [PassAt1Key] = result.PassAt1, [ConsAtKKey] = result.ConsAtK });
}
