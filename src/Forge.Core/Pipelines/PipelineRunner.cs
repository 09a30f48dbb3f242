using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Forge.Core.Pipelines;

/// <summary>
/// Runs a pipeline from configuration (<c>Pipelines:&lt;name&gt;:Stages</c>): each stage in order, handing artifacts on
/// through the run folder, and rewriting <c>summary.json</c> after every stage so that a crash keeps what finished.
/// </summary>
public sealed class PipelineRunner(IConfiguration configuration, IServiceProvider services, IEnumerable<StageKind> kinds, ILogger<PipelineRunner> logger)
{
    /// <summary>Names of the pipelines defined in configuration.</summary>
    public IReadOnlyList<string> Pipelines => configuration.GetSection("Pipelines").GetChildren().Select(c => c.Key).ToList();

    /// <summary>Runs <paramref name="pipeline"/> into <paramref name="runDirectory"/>.</summary>
    public RunSummary Run(string pipeline, string runDirectory, int seed, CancellationToken cancellationToken)
    {
        var section = configuration.GetSection($"Pipelines:{pipeline}");
        if (!section.Exists())
            throw new ForgeDataException($"unknown pipeline '{pipeline}'; available: {Join(Pipelines)}");
        var stages = section.GetSection("Stages").GetChildren().ToList();
        if (stages.Count == 0) throw new ForgeDataException($"{section.Path}:Stages: the pipeline has no stages");

        Directory.CreateDirectory(Path.Combine(runDirectory, "data"));
        Directory.CreateDirectory(Path.Combine(runDirectory, "checkpoints"));
        var done = new List<StageSummary>();
        var names = new HashSet<string>();
        foreach (var stage in stages)
        {
            string kind = stage["Kind"] ?? throw new ForgeDataException($"{stage.Path}:Kind: missing stage kind");
            string name = stage["Name"] ?? kind;
            if (!names.Add(name)) throw new ForgeDataException($"{stage.Path}:Name: stage name '{name}' is used twice");
            var implementation = services.GetKeyedService<IStage>(kind)
                ?? throw new ForgeDataException($"{stage.Path}:Kind: unknown stage kind '{kind}'; available: {Join(kinds.Select(k => k.Name))}");

            cancellationToken.ThrowIfCancellationRequested();
            logger.LogInformation("stage {Stage} ({Kind}) starting", name, kind);
            var clock = Stopwatch.StartNew();
            var result = implementation.Run(new StageContext(name, stage, runDirectory, seed, cancellationToken) { PipelineSettings = section });
            done.Add(new StageSummary(name, kind, Math.Round(clock.Elapsed.TotalSeconds, 3), result.Metrics, result.Eval));
            new RunSummary(pipeline, seed, done).Write(runDirectory);
            logger.LogInformation("stage {Stage} ({Kind}) done in {Seconds:0.0} s", name, kind, clock.Elapsed.TotalSeconds);
        }
        return new RunSummary(pipeline, seed, done);
    }

    private static string Join(IEnumerable<string> names)
    {
        var list = names.Order(StringComparer.Ordinal).ToList();
        return list.Count == 0 ? "(none)" : string.Join(", ", list);
    }
}
