using Forge.Core.Artifacts;
using Forge.Core.Evaluation;
using Forge.Core.Pipelines;
using Forge.Core.Plugins;
using Forge.Core.Prompts;

namespace Forge.Core.Stages;

/// <summary>
/// <c>eval</c>: evaluates the <c>Model</c> folder (e.g. <c>checkpoints/&lt;stage&gt;</c> of an earlier stage) on
/// <c>Tasks</c> with the stage's own evaluation keys (<see cref="EvalStageOptions"/>), writes
/// <c>eval/&lt;stage&gt;.json</c> and reports the overall result.
/// </summary>
public sealed class EvalStage(IModelStore store, IPluginResolver plugins) : IStage
{
    /// <inheritdoc />
    public StageResult Run(StageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var options = context.Options<EvalStageOptions>();
        var settings = EvalSettings.From(options.Evaluation, null, 256, context.Path);
        using var model = ModelSettings.Load(context, store, options.Model!, options.Tokenizer);
        var template = StageTemplate.For(options, model, $"{context.Path}:Template");
        var report = ModelEvaluation.Run(plugins, model, template, settings, context.ResolvePath(options.Model)!, context.Seed, context.CancellationToken);
        EvalFile.Write(context.EvalPath, report);
        var metrics = new Dictionary<string, double>();
        foreach (var (task, result) in report.Tasks)
        {
            metrics[$"{task}/pass_at_1"] = result.PassAt1;
            metrics[$"{task}/cons_at_k"] = result.ConsAtK;
        }
        return new StageResult(metrics, report.Overall);
    }
}
