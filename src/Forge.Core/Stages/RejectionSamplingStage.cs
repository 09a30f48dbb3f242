using Forge.Contracts.Data;
using Forge.Contracts.Rewards;
using Forge.Contracts.Sampling;
using Forge.Core.Artifacts;
using Forge.Core.Metrics;
using Forge.Core.Pipelines;
using Forge.Core.Plugins;
using Forge.Core.Prompts;
using Forge.Core.Rejection;
using Forge.Core.Rewards;
using Forge.Core.Teachers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Forge.Core.Stages;

/// <summary>
/// <c>rejection-sampling</c>: a teacher (a local model folder, or a server behind an OpenAI-compatible endpoint) writes
/// <c>SamplesPerPrompt</c> completions for each of <c>Prompts</c> rows of <c>PromptSource</c>; the weighted
/// <c>Rewards</c> score them and <see cref="RejectionFilter"/> keeps the correct, clean ones (<c>Thresholds</c>,
/// <c>KeepTruncated</c>, <c>Deduplicate</c>, <c>MaxPerPrompt</c>). The kept traces go to <c>data/&lt;stage&gt;.jsonl</c>.
/// </summary>
public sealed class RejectionSamplingStage(IModelStore store, IPluginResolver plugins, RewardComposerFactory rewardFactory,
    ILogger<RejectionSamplingStage> logger) : IStage
{
    /// <inheritdoc />
    public StageResult Run(StageContext context)
    {
        var settings = context.Options<RejectionSamplingStageOptions>();
        var source = plugins.Resolve<IPromptSource>(settings.PromptSource!.InstanceName);
        var rewards = rewardFactory.Create(settings.Rewards!);
        var generation = settings.Generation.ToSettings();
        int prompts = settings.Prompts, samples = settings.SamplesPerPrompt, batchPrompts = settings.PromptsPerBatch;
        var thresholds = settings.Thresholds;
        var filter = new RejectionFilter
        {
            Thresholds = thresholds,
            KeepTruncated = settings.KeepTruncated,
            Deduplicate = settings.Deduplicate,
            MaxPerPrompt = settings.MaxPerPrompt,
        };

        var rows = source.Rows(settings.Split, context.Seed).Take(prompts).ToList();
        using var teacher = TeacherFactory.Create(context, store, plugins);
        using var writer = new TraceWriter(context.DataPath);
        var reasons = Enum.GetValues<RejectionReason>().ToDictionary(r => r, _ => 0);
        var covered = new HashSet<string>();
        var passed = rewards.Names.ToDictionary(n => n, _ => 0);
        var failed = rewards.Names.ToDictionary(n => n, _ => 0);
        int sampled = 0;
        context.Progress.StageSteps(context.Name, (rows.Count + batchPrompts - 1) / batchPrompts);
        for (int start = 0; start < rows.Count; start += batchPrompts)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            var chunk = rows.Skip(start).Take(batchPrompts).ToList();
            var written = teacher.Generate(chunk, samples, generation, context.Seed * 1_000_003L + start * 7919L, context.CancellationToken);
            var scores = rewards.Score(written.Select(s => new RewardInput(chunk[s.RowIndex], s.Text, s.Tokens, s.Truncated)).ToList(),
                context.CancellationToken);
            foreach (var (name, count) in scores.Failed) failed[name] += count;
            for (int i = 0; i < written.Count; i++)
            {
                var (row, sample) = (chunk[written[i].RowIndex], written[i]);
                foreach (var (name, score) in scores[i].Rewards)
                    if (score is double v && v >= thresholds.GetValueOrDefault(name, double.NegativeInfinity)) passed[name]++;
                var reason = filter.Judge(row.Id, sample.Text, sample.Truncated, scores[i]);
                reasons[reason]++;
                if (reason != RejectionReason.None) continue;
                writer.Write(row, sample.Text, sample.Tokens, scores[i].Rewards);
                covered.Add(row.Id);
            }
            sampled += written.Count;
            // The display only (metrics.jsonl gets the stage's totals at its end): chunks done, samples kept so far.
            context.Progress.StepRecorded(context.Name, start / batchPrompts, new Dictionary<string, double> { ["kept"] = writer.Count, ["sampled"] = sampled });
            logger.LogInformation("{Stage}: {Done}/{Total} prompts, {Kept} of {Sampled} samples kept", context.Name,
                Math.Min(start + batchPrompts, rows.Count), rows.Count, writer.Count, sampled);
        }
        writer.Commit();

        var metrics = new Dictionary<string, double>
        {
            ["prompts"] = rows.Count,
            ["sampled"] = sampled,
            ["kept"] = writer.Count,
            ["acceptance_rate"] = sampled == 0 ? 0 : writer.Count / (double)sampled,
            ["prompts_covered"] = rows.Count == 0 ? 0 : covered.Count / (double)rows.Count,
            ["rejected/truncated"] = reasons[RejectionReason.Truncated],
            ["rejected/below_threshold"] = reasons[RejectionReason.BelowThreshold],
            ["rejected/duplicate"] = reasons[RejectionReason.Duplicate],
            ["rejected/over_cap"] = reasons[RejectionReason.OverCap],
        };
        foreach (var (name, count) in passed) metrics[$"pass_rate/{name}"] = sampled == 0 ? 0 : count / (double)sampled;
        foreach (var (name, count) in failed) metrics[RewardMetricKeys.FailedOf(name)] = count;
        using (var log = new MetricsLog(context.RunDirectory)) log.Record(context.Name, 0, metrics);
        if (writer.Count == 0)
            logger.LogWarning("{Stage}: no sample passed the filter; {Path} is empty (lower Thresholds or raise SamplesPerPrompt)", context.Name, context.DataPath);
        return new StageResult(metrics);
    }
}
