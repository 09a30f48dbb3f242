using Forge.Contracts.Data;
using Forge.Contracts.Rewards;
using Forge.Contracts.Sampling;
using Forge.Core.Plugins;
using Forge.Core.Prompts;
using Forge.Core.Stages;

namespace Forge.Core.Evaluation;

/// <summary>Evaluates one model on every task of <see cref="EvalSettings"/>.</summary>
public static class ModelEvaluation
{
    /// <summary>Runs the evaluation; <paramref name="modelName"/> labels the report.</summary>
    /// <remarks>With <paramref name="ranks"/> of a data-parallel run every rank samples its share of the prompts (see <see cref="Evaluator.Ranks"/>).</remarks>
    public static EvalReport Run(IPluginResolver plugins, StageModel model, IPromptTemplate template, EvalSettings settings, string modelName,
        long seed, CancellationToken cancellationToken, Distributed.ICommunicator? ranks = null)
    {
        ArgumentNullException.ThrowIfNull(plugins);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(settings);
        var sampler = plugins.Resolve<ISampler>(settings.Sampler);
        var results = new Dictionary<string, EvalResult>();
        foreach (var task in settings.Tasks)
        {
            var rows = plugins.Resolve<IPromptSource>(task.Source).Rows(settings.Split, (int)seed).Take(settings.Prompts).ToList();
            var evaluator = new Evaluator(sampler, plugins.Resolve<IRewardModel>(task.Correctness), settings.Threshold)
            {
                Task = $"task {task.Source}",
                Ranks = ranks ?? Distributed.SingleProcessCommunicator.Instance,
            };
            results[task.Source] = evaluator.Run(model.Model, model.Tokenizer, rows, template.Format, settings.K, settings.Generation,
                seed + 7919L, cancellationToken);
        }
        return EvalReport.Combine(modelName, results);
    }
}
