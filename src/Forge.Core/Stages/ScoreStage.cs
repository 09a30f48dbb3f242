using System.Text.Json;
using Forge.Core.Data;
using Forge.Core.Metrics;
using Forge.Core.Pipelines;
using Forge.Core.Rewards;

namespace Forge.Core.Stages;

/// <summary>
/// <c>score</c>: scores a completion file (<c>Input</c>) with the configured <c>Rewards</c> (name → weight) and writes
/// each row with its scores to <c>data/&lt;stage&gt;.jsonl</c>.
/// </summary>
public sealed class ScoreStage(RewardComposerFactory rewards) : IStage
{
    /// <inheritdoc />
    public StageResult Run(StageContext context)
    {
        var options = context.Options<ScoreStageOptions>();
        var rows = CompletionFile.Read(context.ResolvePath(options.Input)!);
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
        return new StageResult(metrics);
    }
}
