using System.Text.Json;
using Forge.Core.Artifacts;
using Forge.Core.Data;
using Forge.Core.Metrics;
using Forge.Core.Pipelines;
using Forge.Core.Rewards;

namespace Forge.Core.Stages;

/// <summary>
/// <c>score</c>: scores a completion file (<c>Input</c>) with the configured <c>Rewards</c> (name → weight) and writes
/// each row with its scores to <c>data/&lt;stage&gt;.jsonl</c>. A completion's tokens are its line's
/// <c>completion_tokens</c>, else counted with <c>Tokenizer</c> when one is given. Metrics: the means and, for every
/// reward, <c>reward/&lt;name&gt;/failed</c>, the rows it failed on.
/// </summary>
public sealed class ScoreStage(RewardComposerFactory rewards, IModelStore store) : IStage
{
    /// <inheritdoc />
    public StageResult Run(StageContext context)
    {
        var options = context.Options<ScoreStageOptions>();
        var tokenizer = options.Tokenizer is null ? null : store.LoadTokenizer(context.ResolvePath(options.Tokenizer)!);
        var rows = CompletionFile.Read(context.ResolvePath(options.Input)!, tokenizer);
        var composer = rewards.Create(options.Rewards!);
        var scores = composer.Score(rows, context.CancellationToken);

        string temp = context.DataPath + ".tmp";
        using (var writer = new StreamWriter(temp))
        {
            for (int i = 0; i < rows.Count; i++)
            {
                writer.WriteLine(JsonSerializer.Serialize(new
                {
                    prompt = rows[i].Row.Prompt,
                    completion = rows[i].Completion,
                    rewards = scores[i].Rewards,
                    total = scores[i].Total,
                }, ForgeJson.Compact));
            }
        }
        File.Move(temp, context.DataPath, overwrite: true);

        var metrics = new Dictionary<string, double> { ["rows"] = rows.Count };
        if (rows.Count > 0)
        {
            metrics[RewardMetricKeys.Mean] = scores.Average(s => s.Total);
            foreach (string name in composer.Names)
            {
                var values = scores.Select(s => s.Rewards[name]).OfType<double>().ToList();
                if (values.Count > 0) metrics[RewardMetricKeys.MeanOf(name)] = values.Average();
            }
        }
        foreach (var (name, count) in scores.Failed) metrics[RewardMetricKeys.FailedOf(name)] = count;
        return new StageResult(metrics);
    }
}
