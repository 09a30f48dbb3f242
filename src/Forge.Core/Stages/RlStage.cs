using System.Diagnostics;
using Forge.Contracts.Data;
using Forge.Contracts.Rewards;
using Forge.Contracts.Sampling;
using Forge.Contracts.Training;
using Forge.Core.Artifacts;
using Forge.Core.Devices;
using Forge.Core.Distributed;
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
/// that reward plugin. With several ranks (<see cref="StageContext.Communicator"/>) each draws the same prompts and
/// samples, scores and trains on its own <c>PromptsPerStep</c> / N of them (groups whole); refills are shared out the
/// same way; every metric is the whole step's.
/// </summary>
public sealed class RlStage(IModelStore store, IPluginResolver plugins, RewardComposerFactory rewardFactory, ILogger<RlStage> logger,
    IDeviceMemory? memory = null) : IDataParallelStage
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

        var communicator = context.Communicator;
        int ranks = communicator.WorldSize, rank = communicator.Rank;
        if (promptsPerStep % ranks != 0)
            throw new ForgeDataException($"{context.Path}:PromptsPerStep: {promptsPerStep} prompts do not split evenly over {ranks} ranks (a prompt's group stays whole on one rank)");
        int perRank = promptsPerStep / ranks;

        var checkpoints = new StageCheckpoints(context, logger);
        manual_seed(context.Seed);
        using var model = ModelSettings.Resolve(context, store, () => source.Rows("train", context.Seed).Take(1000).Select(r => corpusFormat(r.Prompt)),
            checkpoints.Resumed?.Directory);
        var template = StageTemplate.For(settings, model, $"{context.Path}:Template");
        using var training = new TrainingContext(model.Model, options, communicator: communicator);
        using var metrics = context.OpenMetrics(steps);
        checkpoints.Attach(model, training, metrics);
        using var prompts = new PromptCycle(source, context.Seed, settings.ShuffleBuffer, checkpoints.Data);
        IReadOnlyDictionary<string, double> last = new Dictionary<string, double>();
        double? setupPause = SetupCollection.Run();

        for (int step = checkpoints.FirstStep; step < steps; step++)
        {
            var current = checkpoints.BeginStep(step, prompts.Position);
            var clock = Stopwatch.StartNew();
            var phases = new StepPhases();
            var stepMemory = new StepMemory(memory, model.Model.Device);
            var scored = new List<ScoredGroup>();
            ScoredGroup? uninformative = null;
            var failed = rewards.Names.ToDictionary(n => n, _ => 0);
            int generated = 0, rounds = 0;
            while (rounds++ <= (dynamic ? maxRefills : 0))
            {
                // Every rank draws the same prompts (the cycle is seeded alike) and keeps its own share of them.
                var needs = RankShare.Needs(communicator, perRank - scored.Count);
                int total = needs.Sum();
                if (total == 0) break;
                var drawn = prompts.Next(total);
                var rows = drawn.Skip(needs.Take(rank).Sum()).Take(needs[rank]).ToList();
                if (rows.Count == 0) continue;
                var promptIds = rows.Select(r => PromptFit.Check(Encode(model, template, r), model.Model, $"{context.Path}: prompt '{r.Id}'")).ToList();
                // A started step runs to its end (no cancellation inside it) so that the stop checkpoint is whole.
                var completions = phases.Time("sample", () => current.Call("sampler", samplerName, () => sampler.Sample(new SamplingRequest(model.Model,
                    model.Tokenizer, promptIds, group, generation, context.Seed * 1_000_003L + step * 101L + rounds + rank * 7_919L), CancellationToken.None)));
                generated += completions.Sum(c => c.TokenIds.Count);
                var scores = phases.Time("reward", () => current.Score(rewards, completions.Select(c => new RewardInput(rows[c.PromptIndex], c.Text,
                    c.TokenIds.Count, c.Truncated)).ToList()));
                foreach (var (name, count) in scores.Failed) failed[name] += count;
                for (int p = 0; p < rows.Count; p++)
                {
                    var g = new ScoredGroup(promptIds[p], completions.Skip(p * group).Take(group).ToList(), scores.Skip(p * group).Take(group).ToList());
                    if (!dynamic || DynamicSampling.IsInformative(g.Scores)) scored.Add(g);
                    else uninformative = g;
                }
            }
            double generateSeconds = clock.Elapsed.TotalSeconds;
            int groups = (int)communicator.AllReduceValues([scored.Count])[0];
            if (groups == 0)
            {
                logger.LogWarning("{Stage} step {Step}: every group had equal rewards; no update", context.Name, step);
                StageEvaluation.AfterStep(context, plugins, model, template, metrics, step + 1, steps, settings.PromptSource.InstanceName, generation.MaxNewTokens);
                checkpoints.AfterStep(step + 1, prompts.Position);
                continue;
            }
            // Another rank found informative groups and this one none: it still takes part in the update, with a group
            // whose advantages are all 0 (it adds only its KL term and its tokens to the normalisers).
            if (scored.Count == 0 && uninformative is not null) scored.Add(uninformative);

            var stepMetrics = phases.Time("update", () => current.Call("optimizer", optimizerName, () => Update(scored, group, generation.MaxNewTokens, model, training, optimizer)));
            double trainSeconds = clock.Elapsed.TotalSeconds - generateSeconds;
            stepMetrics["time/step_s"] = clock.Elapsed.TotalSeconds;
            phases.AddTo(stepMetrics);
            stepMemory.AddTo(stepMetrics);
            if (setupPause is { } pause) stepMetrics["gc/setup_pause_ms"] = pause;
            setupPause = null;
            stepMetrics = RankMetrics.Combine(communicator, stepMetrics);
            RolloutMetrics.AddTo(stepMetrics, communicator, scored.SelectMany(g => g.Completions.Zip(g.Scores)).ToList(), rewards.Names.ToList(), failed,
                generated, generateSeconds, trainSeconds);
            stepMetrics["groups"] = groups;
            metrics.Record(context.Name, step, stepMetrics);
            last = stepMetrics;
            if (step % 10 == 0 && context.IsMain) logger.Log(ProgressLogLevel.Of(context.Progress), "{Stage} step {Step}/{Total} reward {Reward:0.###}", context.Name, step, steps, stepMetrics[RewardMetricKeys.Mean]);
            StageEvaluation.AfterStep(context, plugins, model, template, metrics, step + 1, steps, settings.PromptSource.InstanceName, generation.MaxNewTokens);
            checkpoints.AfterStep(step + 1, prompts.Position);
        }
        int end = Math.Max(steps, checkpoints.FirstStep);
        checkpoints.AtEnd(end, prompts.Position);
        ReplicaCheck.Verify(context, training, logger);

        model.Model.Module.eval();
        if (context.IsMain) model.Save(context.CheckpointDirectory);
        if (context.IsMain && context.Options<TrainingStageOptions>().Adapter?.Merge == true) model.SaveMerged(Path.Combine(context.CheckpointDirectory, "merged"));
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

    private sealed record ScoredGroup(IReadOnlyList<int> PromptIds, List<Completion> Completions, List<RewardScores> Scores);
}
