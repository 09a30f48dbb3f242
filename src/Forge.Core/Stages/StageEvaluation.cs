using Forge.Contracts.Data;
using Forge.Contracts.Rewards;
using Forge.Contracts.Sampling;
using Forge.Core.Evaluation;
using Forge.Core.Pipelines;
using Forge.Core.Plugins;
using Forge.Core.Prompts;
using Microsoft.Extensions.Configuration;

namespace Forge.Core.Stages;

/// <summary>
/// The <c>Eval</c> section a stage may carry: pass@1 over <c>K</c> samples (temperature 0.6, top-p 0.95 by default,
/// as the paper) and cons@K on the held-out split of a prompt source, judged by a correctness reward.
/// </summary>
public static class StageEvaluation
{
    /// <summary>Evaluates <paramref name="model"/> when the stage configures <c>Eval</c>; null otherwise.</summary>
    public static EvalResult? Run(StageContext context, IPluginResolver plugins, StageModel model, PromptTemplate template)
    {
        var eval = context.Settings.GetSection("Eval");
        if (!eval.Exists()) return null;
        string source = eval["PromptSource"] ?? context.Settings["PromptSource"]
            ?? throw new ForgeDataException($"{eval.Path}:PromptSource: which prompts to evaluate on?");
        int prompts = eval.GetValue("Prompts", 64);
        var rows = plugins.Resolve<IPromptSource>(source).Rows(eval["Split"] ?? "test", context.Seed).Take(prompts).ToList();
        var settings = new GenerationSettings
        {
            Temperature = eval.GetValue("Temperature", 0.6),
            TopP = eval.GetValue("TopP", 0.95),
            Greedy = eval.GetValue("Greedy", false),
            MaxNewTokens = eval.GetValue("MaxNewTokens", context.Settings.GetValue("Generation:MaxNewTokens", 256)),
        };
        var evaluator = new Evaluator(plugins.Resolve<ISampler>(eval["Sampler"] ?? "kv-cache"),
            plugins.Resolve<IRewardModel>(eval["Correctness"] ?? "accuracy"), eval.GetValue("Threshold", 0.5));
        return evaluator.Run(model.Model, model.Tokenizer, rows, template.Format, eval.GetValue("K", 4), settings,
            context.Seed + 7919L, context.CancellationToken);
    }
}
