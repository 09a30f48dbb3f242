using Forge.Contracts.Training;
using Forge.Core.Artifacts;
using Forge.Core.Checkpoints;
using Forge.Core.Data;
using Forge.Core.Metrics;
using Forge.Core.Pipelines;
using Forge.Core.Plugins;
using Forge.Core.Prompts;
using Forge.Core.Training;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using static TorchSharp.torch;

namespace Forge.Core.Stages;

/// <summary>
/// <c>sft</c>: fine-tunes a model on (prompt, completion) traces from <c>Data</c> (JSONL; relative paths resolve
/// against the run folder, so <c>data/&lt;stage&gt;.jsonl</c> of an earlier stage works) with a distiller plugin
/// (default <c>sft</c>). The completion is followed by the end-of-sequence token so the model learns to stop.
/// Writes the model to <c>checkpoints/&lt;stage&gt;/</c>, and step checkpoints to resume from beneath it
/// (<see cref="StageCheckpoints"/>); the data position is the epoch (whose shuffle is seeded by it) and the row offset.
/// </summary>
public sealed class SftStage(IModelStore store, IPluginResolver plugins, ILogger<SftStage> logger) : IStage
{
    /// <inheritdoc />
    public StageResult Run(StageContext context)
    {
        var settings = context.Settings;
        string data = context.ResolvePath("Data") ?? throw new ForgeDataException($"{settings.Path}:Data: missing trace file");
        var traces = CompletionFile.Read(data);
        if (traces.Count == 0) throw new ForgeDataException($"{data}: no traces");
        var template = PromptTemplate.Parse(settings["Template"] ?? "{prompt}");
        var checkpoints = new StageCheckpoints(context, logger);
        manual_seed(context.Seed);
        using var model = ModelSettings.Resolve(context, store, () => traces.SelectMany(t => new[] { template.Format(t.Row.Prompt), t.Completion }),
            checkpoints.Resumed?.Directory);
        var tokenizer = model.Tokenizer;
        var prompts = traces.Select(t => tokenizer.Encode(template.Format(t.Row.Prompt))).ToList();
        var completions = traces.Select(t => (IReadOnlyList<int>)[.. tokenizer.Encode(t.Completion), tokenizer.StopTokenIds[0]]).ToList();

        int batchSize = settings.GetValue("BatchSize", 16), epochs = settings.GetValue("Epochs", 1);
        int stepsPerEpoch = (traces.Count + batchSize - 1) / batchSize;
        int maxSteps = settings.GetValue("MaxSteps", epochs * stepsPerEpoch);
        var options = settings.GetSection("Training").Get<TrainingOptions>() ?? new TrainingOptions();
        if (options.TotalSteps == 0) options.TotalSteps = maxSteps;
        string distillerName = settings["Distiller"] ?? "sft";
        var distiller = plugins.Resolve<IDistiller>(distillerName);
        using var training = new TrainingContext(model.Model, options);
        using var metrics = new MetricsLog(context.RunDirectory);
        checkpoints.Attach(model, training, metrics);
        model.Model.Module.train();

        IReadOnlyDictionary<string, double> last = new Dictionary<string, double>();
        int step = checkpoints.FirstStep;
        var resumeAt = checkpoints.Data;
        var next = resumeAt;
        for (int epoch = resumeAt.Epoch; step < maxSteps; epoch++)
        {
            var order = Enumerable.Range(0, traces.Count).ToArray();
            new Random(context.Seed + epoch).Shuffle(order);
            for (int start = epoch == resumeAt.Epoch ? resumeAt.Offset : 0; start < order.Length && step < maxSteps; start += batchSize, step++)
            {
                var current = checkpoints.BeginStep(step, new DataPosition(epoch, start));
                var rows = order.Skip(start).Take(batchSize).ToList();
                using var batch = RolloutBuilder.Build(rows.Select(r => prompts[r]).ToList(), rows.Select(r => completions[r]).ToList(),
                    tokenizer.PadTokenId, model.Model.Device);
                // A started step runs to its end (no cancellation inside it) so that the stop checkpoint is whole.
                last = current.Call("distiller", distillerName, () => distiller.Step(batch, training, CancellationToken.None));
                next = new DataPosition(epoch, start + batchSize);
                metrics.Record(context.Name, step, last);
                if (step % 20 == 0) logger.LogInformation("{Stage} step {Step}/{Total} loss {Loss:0.####}", context.Name, step, maxSteps, last.GetValueOrDefault("loss"));
                checkpoints.AfterStep(step + 1, next);
            }
        }
        checkpoints.AtEnd(step, next);

        model.Model.Module.eval();
        model.Save(context.CheckpointDirectory);
        var eval = StageEvaluation.Run(context, plugins, model, template);
        if (eval is not null) metrics.Record(context.Name, step, new Dictionary<string, double> { ["eval/pass_at_1"] = eval.PassAt1, ["eval/cons_at_k"] = eval.ConsAtK });
        return new StageResult(new Dictionary<string, double>(last) { ["steps"] = step, ["traces"] = traces.Count }, eval);
    }
}
