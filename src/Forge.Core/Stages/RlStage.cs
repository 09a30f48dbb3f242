using System.Diagnostics;
using Forge.Contracts.Data;
using Forge.Contracts.Rewards;
using Forge.Contracts.Sampling;
using Forge.Contracts.Training;
using Forge.Core.Artifacts;
using Forge.Core.Metrics;
using Forge.Core.Pipelines;
using Forge.Core.Plugins;
using Forge.Core.Prompts;
using Forge.Core.Rewards;
using Forge.Core.Training;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using static TorchSharp.torch;

namespace Forge.Core.Stages;

/// <summary>
/// <c>rl</c>: prompt source → sampler → rewards → policy optimizer, step after step. Each step samples
/// <c>CompletionsPerPrompt</c> completions for <c>PromptsPerStep</c> prompts, scores them with the weighted
/// <c>Rewards</c>, and hands the scored rollout to the <c>Optimizer</c> plugin. With <c>DynamicSampling</c> (DAPO),
/// groups whose rewards are all equal carry no signal and are replaced by fresh prompts. Prompts pass through a
/// <c>ShuffleBuffer</c> (default 10,000 rows; 0 keeps the source's order). Step checkpoints
/// (<see cref="StageCheckpoints"/>) carry the prompt cycle's position; sampling is seeded by (seed, step, round).
/// <c>EvalEvery</c> adds the held-out evaluation after every N steps (<see cref="StageEvaluation.AfterStep"/>).
/// Each step records <c>reward/&lt;name&gt;/failed</c>, the completions a reward failed on among all those scored in the
/// step (refills included); under <c>Forge:RewardIsolation:FailOnError</c> a reward failure ends the run as a fault of
/// that reward plugin.
/// </summary>
public sealed class RlStage(IModelStore store, IPluginResolver plugins, RewardComposerFactory rewardFactory, ILogger<RlStage> logger) : IStage
{
    /// <inheritdoc />
    public StageResult Run(StageContext context)
    {
        var settings = context.Options<RlStageOptions>();
        var corpusFormat = StageTemplate.ForCorpus(settings, $"{context.Path}:Template");
        var source = plugins.Resolve<IPromptSource>(settings.PromptSource!.InstanceName);
        string samplerName = settings.Sampler.Plugin, optimizerName = settings.Optimizer.Plugin;
        var sampler = plugins.Resolve<ISampler>(settings.Sampler.InstanceName);
        var optimizer = plugins.Resolve<IPolicyOptimizer>(settings.Optimizer.InstanceName);
        var rewards = rewardFactory.Create(settings.Rewards!);
        var generation = settings.Generation.ToSettings();
        var options = settings.Training.Copy();
        options.Temperature = generation.Temperature;
        int steps = settings.Steps, promptsPerStep = settings.PromptsPerStep, group = settings.CompletionsPerPrompt;
        bool dynamic = settings.DynamicSampling;
        int maxRefills = settings.MaxRefills;
        if (options.TotalSteps == 0) options.TotalSteps = steps;

        var checkpoints = new StageCheckpoints(context, logger);
        manual_seed(context.Seed);
        using var model = ModelSettings.Resolve(context, store, () => source.Rows("train", context.Seed).Take(1000).Select(r => corpusFormat(r.Prompt)),
            checkpoints.Resumed?.Directory);
        var template = StageTemplate.For(settings, model, $"{context.Path}:Template");
        using var training = new TrainingContext(model.Model, options);
        using var metrics = context.OpenMetrics(steps);
        checkpoints.Attach(model, training, metrics);
        using var prompts = new PromptCycle(source, context.Seed, settings.ShuffleBuffer, checkpoints.Data);
        IReadOnlyDictionary<string, double> last = new Dictionary<string, double>();

        for (int step = checkpoints.FirstStep; step < steps; step++)
        {
            var current = checkpoints.BeginStep(step, prompts.Position);
            var clock = Stopwatch.StartNew();
            var phases = new StepPhases();
            var scored = new List<ScoredGroup>();
            var failed = rewards.Names.ToDictionary(n => n, _ => 0);
            int generated = 0, rounds = 0;
            while (scored.Count < promptsPerStep && rounds++ <= (dynamic ? maxRefills : 0))
            {
                var rows = prompts.Next(promptsPerStep - scored.Count);
                var promptIds = rows.Select(r => PromptFit.Check(Encode(model, template, r), model.Model, $"{context.Path}: prompt '{r.Id}'")).ToList();
                // A started step runs to its end (no cancellation inside it) so that the stop checkpoint is whole.
                var completions = phases.Time("sample", () => current.Call("sampler", samplerName, () => sampler.Sample(new SamplingRequest(model.Model,
                    model.Tokenizer, promptIds, group, generation, context.Seed * 1_000_003L + step * 101L + rounds), CancellationToken.None)));
                generated += completions.Sum(c => c.TokenIds.Count);
                var scores = phases.Time("reward", () => current.Score(rewards, completions.Select(c => new RewardInput(rows[c.PromptIndex], c.Text,
                    c.TokenIds.Count, c.Truncated)).ToList()));
                foreach (var (name, count) in scores.Failed) failed[name] += count;
                for (int p = 0; p < rows.Count; p++)
                {
                    var g = new ScoredGroup(promptIds[p], completions.Skip(p * group).Take(group).ToList(), scores.Skip(p * group).Take(group).ToList());
                    if (!dynamic || DynamicSampling.IsInformative(g.Scores)) scored.Add(g);
                }
            }
            double generateSeconds = clock.Elapsed.TotalSeconds;
            if (scored.Count == 0)
            {
                logger.LogWarning("{Stage} step {Step}: every group had equal rewards; no update", context.Name, step);
                StageEvaluation.AfterStep(context, plugins, model, template, metrics, step + 1, steps, settings.PromptSource.InstanceName, generation.MaxNewTokens);
                checkpoints.AfterStep(step + 1, prompts.Position);
                continue;
            }

            var stepMetrics = phases.Time("update", () => current.Call("optimizer", optimizerName, () => Update(scored, group, generation.MaxNewTokens, model, training, optimizer)));
            double trainSeconds = clock.Elapsed.TotalSeconds - generateSeconds;
            var all = scored.SelectMany(g => g.Completions.Zip(g.Scores)).ToList();
            stepMetrics[RewardMetricKeys.Mean] = all.Average(x => x.Second.Total);
            stepMetrics["reward/std"] = StandardDeviation(all.Select(x => x.Second.Total));
            foreach (string name in rewards.Names)
            {
                var values = all.Select(x => x.Second.Rewards[name]).OfType<double>().ToList();
                if (values.Count > 0) stepMetrics[RewardMetricKeys.MeanOf(name)] = values.Average();
                stepMetrics[RewardMetricKeys.FailedOf(name)] = failed[name]; // every completion scored in the step, refills included
            }
            stepMetrics["completion/length_mean"] = all.Average(x => x.First.TokenIds.Count);
            stepMetrics["completion/length_max"] = all.Max(x => x.First.TokenIds.Count);
            stepMetrics["completion/truncated"] = all.Average(x => x.First.Truncated ? 1.0 : 0.0);
            stepMetrics["groups"] = scored.Count;
            stepMetrics["generation/tokens_per_s"] = generated / Math.Max(generateSeconds, 1e-9);
            stepMetrics["training/tokens_per_s"] = all.Sum(x => x.First.TokenIds.Count) / Math.Max(trainSeconds, 1e-9);
            stepMetrics["time/step_s"] = clock.Elapsed.TotalSeconds;
            phases.AddTo(stepMetrics);
            metrics.Record(context.Name, step, stepMetrics);
            last = stepMetrics;
            if (step % 10 == 0) logger.Log(ProgressLogLevel.Of(context.Progress), "{Stage} step {Step}/{Total} reward {Reward:0.###}", context.Name, step, steps, stepMetrics[RewardMetricKeys.Mean]);
            StageEvaluation.AfterStep(context, plugins, model, template, metrics, step + 1, steps, settings.PromptSource.InstanceName, generation.MaxNewTokens);
            checkpoints.AfterStep(step + 1, prompts.Position);
        }
        int end = Math.Max(steps, checkpoints.FirstStep);
        checkpoints.AtEnd(end, prompts.Position);

        model.Model.Module.eval();
        model.Save(context.CheckpointDirectory);
        if (context.Options<TrainingStageOptions>().Adapter?.Merge == true) model.SaveMerged(Path.Combine(context.CheckpointDirectory, "merged"));
        var eval = StageEvaluation.Run(context, plugins, model, template, metrics, end, settings.PromptSource.InstanceName, generation.MaxNewTokens);
        return new StageResult(last, eval);
    }

    private static IReadOnlyList<int> Encode(StageModel model, IPromptTemplate template, PromptRow row) =>
        model.Tokenizer.Encode(template.Format(row.Prompt));

    private static Dictionary<string, double> Update(List<ScoredGroup> groups, int groupSize, int maxCompletionLength, StageModel model,
        TrainingContext training, IPolicyOptimizer optimizer)
    {
        using var scope = NewDisposeScope();
        var prompts = groups.Select(g => g.PromptIds).ToList();
        var completions = groups.SelectMany((g, i) => g.Completions.Select(c => c with { PromptIndex = i })).ToList();
        var device = model.Model.Device;
        var batch = RolloutBuilder.Build(prompts, completions, model.Tokenizer.PadTokenId, device);
        var rewards = tensor(groups.SelectMany(g => g.Scores.Select(s => s.Total)).ToArray(), float64).to(device);
        var truncated = tensor(completions.Select(c => c.Truncated).ToArray()).to(device);
        var scored = tensor(groups.SelectMany(g => g.Scores.Select(s => s.Scored)).ToArray()).to(device);
        var rollout = new Rollout(batch, RolloutBuilder.OldLogProbs(completions, device), rewards, truncated, groupSize)
        {
            Scored = scored,
            MaxCompletionLength = maxCompletionLength,
        };
        model.Model.Module.train();
        var metrics = new Dictionary<string, double>(optimizer.Step(rollout, training, CancellationToken.None));
        batch.Dispose();
        return metrics;
    }

    private static double StandardDeviation(IEnumerable<double> values)
    {
        var list = values.ToList();
        if (list.Count < 2) return 0;
        double mean = list.Average();
        return Math.Sqrt(list.Sum(v => (v - mean) * (v - mean)) / (list.Count - 1));
    }

    private sealed record ScoredGroup(IReadOnlyList<int> PromptIds, List<Completion> Completions, List<RewardScores> Scores);
}
