using Forge.Contracts.Models;
using Forge.Contracts.Sampling;
using Forge.Contracts.Training;
using Forge.Core.Artifacts;
using Forge.Core.Checkpoints;
using Forge.Core.Data;
using Forge.Core.Devices;
using Forge.Core.Distributed;
using Forge.Core.Metrics;
using Forge.Core.Pipelines;
using Forge.Core.Plugins;
using Forge.Core.Prompts;
using Forge.Core.Training;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using TorchSharp;
using static TorchSharp.torch;

namespace Forge.Core.Stages;

/// <summary>
/// <c>sft</c> and <c>distill</c>: fine-tunes a model on (prompt, completion) traces from <c>Data</c> (JSONL; relative
/// paths resolve against the run folder, so <c>data/&lt;stage&gt;.jsonl</c> of an earlier stage works) or from the
/// train rows of a <c>PromptSource</c> with the completion in <c>CompletionColumn</c> (<see cref="SourceTraces"/>), with a
/// distiller plugin — <c>sft</c> by default, <c>kd</c> for a <c>distill</c> stage with a <c>Teacher</c> folder (loaded
/// unless the distiller is <c>sft</c>; it must share the student's tokenizer, and a new student takes the teacher's).
/// <c>OnPolicyShare</c> (GKD's λ) replaces that share of batches by the student's own samples. Batches group traces of
/// similar length with <c>LengthBucketing</c> (off by default, as in TRL). The completion is followed by the
/// end-of-sequence token so the model learns to stop. Writes the model to <c>checkpoints/&lt;stage&gt;/</c>, and step
/// checkpoints to resume from beneath it (<see cref="StageCheckpoints"/>); the data position is the epoch (whose
/// batch plan is seeded by it) and the row offset of the next batch in that plan. <c>EvalEvery</c> adds the held-out
/// evaluation after every N steps (<see cref="StageEvaluation.AfterStep"/>). With several ranks
/// (<see cref="StageContext.Communicator"/>) every rank plans the same batches and trains on its contiguous share of
/// each (BatchSize must split evenly); metrics are the whole batch's.
/// </summary>
internal sealed class SupervisedLoop(IModelStore store, IPluginResolver plugins, ILogger logger, IDeviceMemory? memory)
{
    /// <summary>Runs the loop with <paramref name="options"/>; <paramref name="distill"/> adds a teacher (the same object for a distill stage).</summary>
    public StageResult Run(StageContext context, SftStageOptions options, DistillStageOptions? distill)
    {
        var traces = Traces(context, options);
        var corpusFormat = StageTemplate.ForCorpus(options, $"{context.Path}:Template");
        string? teacherFolder = context.ResolvePath(distill?.Teacher);
        string distillerName = options.Distiller.Plugin;
        var checkpoints = new StageCheckpoints(context, logger);
        manual_seed(context.Seed);
        // The sft distiller learns from the traces alone, so its teacher lends only the tokenizer.
        using var teacher = distill is not null && (distill.LoadTeacher ?? distillerName != "sft") ? ModelSettings.Load(context, store, distill.Teacher!) : null;
        using var model = ModelSettings.Resolve(context, store, () => traces.SelectMany(t => new[] { corpusFormat(t.Row.Prompt), t.Completion }),
            checkpoints.Resumed?.Directory, teacherFolder);
        var template = StageTemplate.For(options, model, $"{context.Path}:Template");
        var tokenizer = model.Tokenizer;
        if (teacherFolder is not null)
            RequireSharedTokenizer(teacher?.Tokenizer ?? store.LoadTokenizer(teacherFolder), tokenizer,
                traces.Take(64).Select(t => template.Format(t.Row.Prompt) + t.Completion), $"{context.Path}:Teacher");
        var prompts = traces.Select(t => tokenizer.Encode(template.Format(t.Row.Prompt))).ToList();
        var completions = traces.Select(t => CompletionIds(template, tokenizer, t.Row.Prompt, t.Completion)).ToList();
        var lengths = prompts.Zip(completions, (p, c) => p.Count + c.Count).ToList();

        int batchSize = options.BatchSize;
        var communicator = context.Communicator;
        if (batchSize % communicator.WorldSize != 0)
            throw new ForgeDataException($"{context.Path}:BatchSize: {batchSize} rows do not split evenly over {communicator.WorldSize} ranks");
        int stepsPerEpoch = (traces.Count + batchSize - 1) / batchSize;
        int maxSteps = options.MaxSteps ?? options.Epochs * stepsPerEpoch;
        double onPolicyShare = distill?.OnPolicyShare ?? 0;
        var generation = options.Generation.ToSettings();
        string samplerName = distill?.Sampler.Plugin ?? "";
        var sampler = onPolicyShare > 0 ? plugins.Resolve<ISampler>(distill!.Sampler.InstanceName) : null;
        var trainingOptions = options.Training.Copy();
        if (trainingOptions.TotalSteps == 0) trainingOptions.TotalSteps = maxSteps;
        var distiller = plugins.Resolve<IDistiller>(options.Distiller.InstanceName);
        using var training = new TrainingContext(model.Model, trainingOptions, teacher?.Model, communicator);
        using var metrics = context.OpenMetrics(maxSteps);
        checkpoints.Attach(model, training, metrics);
        teacher?.Model.Module.eval();
        model.Model.Module.train();

        IReadOnlyDictionary<string, double> last = new Dictionary<string, double>();
        int step = checkpoints.FirstStep;
        var resumeAt = checkpoints.Data;
        double? setupPause = SetupCollection.Run();
        var next = resumeAt;
        for (int epoch = resumeAt.Epoch; step < maxSteps; epoch++)
        {
            var plan = LengthBuckets.Plan(lengths, batchSize, options.LengthBucketing, new Random(context.Seed + epoch));
            for (int b = epoch == resumeAt.Epoch ? resumeAt.Offset / batchSize : 0; b < plan.Count && step < maxSteps; b++, step++)
            {
                var current = checkpoints.BeginStep(step, new DataPosition(epoch, b * batchSize));
                var stepMemory = new StepMemory(memory, model.Model.Device);
                // Each rank trains on its own contiguous share of the batch (all ranks plan the same batches).
                var (first, count) = RankShare.Of(plan[b].Length, communicator.Rank, communicator.WorldSize);
                if (count == 0)
                    throw new ForgeDataException($"{context.Path}:BatchSize: a batch of {plan[b].Length} rows (the last of an epoch of {traces.Count} traces) leaves rank {communicator.Rank} of {communicator.WorldSize} without rows; use a trace count or BatchSize that splits over the ranks");
                var rows = plan[b].Skip(first).Take(count).ToList();
                var batchPrompts = rows.Select(r => prompts[r]).ToList();
                bool onPolicy = sampler is not null && new Random(context.Seed * 31 + step).NextDouble() < onPolicyShare;
                var batchCompletions = onPolicy
                    ? current.Call("sampler", samplerName,
                        () => StudentCompletions(sampler!, model, batchPrompts, generation, context.Seed * 1_000_003L + step + communicator.Rank * 7_919L, CancellationToken.None))
                    : rows.Select(r => completions[r]).ToList();
                using var batch = RolloutBuilder.Build(batchPrompts, batchCompletions, tokenizer.PadTokenId, model.Model.Device);
                // A started step runs to its end (no cancellation inside it) so that the stop checkpoint is whole.
                var rankMetrics = new Dictionary<string, double>(current.Call("distiller", distillerName, () => distiller.Step(batch, training, CancellationToken.None)));
                if (setupPause is { } pause) rankMetrics["gc/setup_pause_ms"] = pause;
                setupPause = null;
                stepMemory.AddTo(rankMetrics);
                var stepMetrics = RankMetrics.Combine(communicator, rankMetrics);
                var padding = communicator.AllReduceValues([batch.AttentionMask.sum().ToDouble(), batch.AttentionMask.numel()]);
                stepMetrics["on_policy"] = onPolicy ? 1 : 0;
                stepMetrics["padding_fraction"] = 1 - padding[0] / padding[1];
                last = stepMetrics;
                next = new DataPosition(epoch, (b + 1) * batchSize);
                metrics.Record(context.Name, step, last);
                if (step % 20 == 0 && context.IsMain) logger.Log(ProgressLogLevel.Of(context.Progress), "{Stage} step {Step}/{Total} loss {Loss:0.####}", context.Name, step, maxSteps, last.GetValueOrDefault("loss"));
                StageEvaluation.AfterStep(context, plugins, model, template, metrics, step + 1, maxSteps, maxNewTokens: options.Generation.MaxNewTokens);
                checkpoints.AfterStep(step + 1, next);
            }
        }
        checkpoints.AtEnd(step, next);
        ReplicaCheck.Verify(context, training, logger);

        model.Model.Module.eval();
        if (context.IsMain) model.Save(context.CheckpointDirectory);
        if (context.IsMain && context.Options<TrainingStageOptions>().Adapter?.Merge == true) model.SaveMerged(Path.Combine(context.CheckpointDirectory, "merged"));
        var eval = StageEvaluation.Run(context, plugins, model, template, metrics, step, maxNewTokens: options.Generation.MaxNewTokens);
        return new StageResult(new Dictionary<string, double>(last) { ["steps"] = step, ["traces"] = traces.Count }, eval);
    }

    /// <summary>
    /// The ids a trace's completion is trained on: with a chat template, the assistant turn as the template writes it
    /// after the prompt (end-of-turn tokens included, as TRL's prompt-completion SFT trains), else the completion as is;
    /// followed by the end-of-sequence token when nothing in it stops the model.
    /// </summary>
    internal static IReadOnlyList<int> CompletionIds(IPromptTemplate template, ITokenizer tokenizer, string prompt, string completion)
    {
        string text = template is ChatPromptTemplate chat && chat.Completion(prompt, completion) is { } turn ? turn : completion;
        var ids = tokenizer.Encode(text);
        return template is ChatPromptTemplate && ids.Any(tokenizer.StopTokenIds.Contains) ? ids : [.. ids, tokenizer.StopTokenIds[0]];
    }

    /// <summary>One sample of the student per prompt (GKD's on-policy batches); the stop token stays when one ended it.</summary>
    private static List<IReadOnlyList<int>> StudentCompletions(ISampler sampler, StageModel model, List<IReadOnlyList<int>> prompts,
        GenerationSettings generation, long seed, CancellationToken cancellationToken)
    {
        model.Model.Module.eval();
        var samples = sampler.Sample(new SamplingRequest(model.Model, model.Tokenizer, prompts, 1, generation, seed), cancellationToken);
        model.Model.Module.train();
        // An empty completion would leave nothing to learn from; the stop token is the student's own choice then.
        return samples.OrderBy(s => s.PromptIndex)
            .Select(s => s.TokenIds.Count > 0 ? s.TokenIds : (IReadOnlyList<int>)[model.Tokenizer.StopTokenIds[0]]).ToList();
    }

    /// <summary>Token-level distillation compares distributions id by id, so both models must read text the same way.</summary>
    private static void RequireSharedTokenizer(ITokenizer teacher, ITokenizer student, IEnumerable<string> samples, string key)
    {
        if (teacher.VocabSize != student.VocabSize)
            throw new ForgeDataException($"{key}: the teacher's tokenizer ({teacher.VocabSize} ids) differs from the student's ({student.VocabSize}); distillation from logits needs a shared tokenizer (use the sft distiller on the teacher's traces instead)");
        foreach (string text in samples)
            if (!teacher.Encode(text).SequenceEqual(student.Encode(text)))
                throw new ForgeDataException($"{key}: the teacher's tokenizer encodes the traces differently from the student's; distillation from logits needs a shared tokenizer (use the sft distiller on the teacher's traces instead)");
    }

    /// <summary>The stage's traces: the Data file's lines, or the prompt source's train rows with their completion column.</summary>
    private IReadOnlyList<Contracts.Rewards.RewardInput> Traces(StageContext context, SftStageOptions options)
    {
        if (options.PromptSource is { } source)
        {
            var rows = SourceTraces.Read(plugins.Resolve<Contracts.Data.IPromptSource>(source.InstanceName), options.CompletionColumn, context.Seed,
                $"{context.Path}:CompletionColumn");
            return rows.Count > 0 ? rows : throw new ForgeDataException($"{context.Path}:PromptSource: '{source.InstanceName}' has no train rows");
        }
        string data = context.ResolvePath(options.Data) ?? throw new ForgeDataException($"{context.Path}:Data: missing trace file");
        var traces = CompletionFile.Read(data);
        return traces.Count > 0 ? traces : throw new ForgeDataException($"{data}: no traces");
    }
}
