using System.CommandLine;
using System.Globalization;
using Forge.Core.Pipelines;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Host.Cli;

/// <summary><c>forge run</c>: runs a pipeline from configuration into a run folder.</summary>
internal static class RunCommand
{
    public static Command Create(CliContext cli)
    {
        var pipeline = new Option<string?>("--pipeline") { Description = "Pipeline name under Pipelines: (default: Forge:DefaultPipeline)" };
        var output = new Option<string?>("--output") { Description = "Run folder (default: runs/<pipeline>-<time>)" };
        var seed = new Option<int?>("--seed") { Description = "Seed for every random choice of the run (default: Forge:Seed, else 0)" };
        var command = new Command("run", "Run a pipeline (the default one when none is named)") { pipeline, output, seed };
        command.SetAction((parse, cancellationToken) => Task.FromResult(cli.WithApplication(parse, app =>
        {
            string name = parse.GetValue(pipeline) ?? app.Configuration["Forge:DefaultPipeline"]
                ?? throw new Core.ForgeDataException("no --pipeline given and Forge:DefaultPipeline is not set");
            int runSeed = parse.GetValue(seed) ?? app.Configuration.GetValue<int?>("Forge:Seed") ?? 0;
            string folder = Path.GetFullPath(parse.GetValue(output)
                ?? Path.Combine("runs", $"{name}-{DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}"));

            var summary = app.Services.GetRequiredService<PipelineRunner>().Run(name, folder, runSeed, cancellationToken);
            foreach (var stage in summary.Stages)
            {
                string metrics = string.Join("  ", stage.Metrics.Select(m => $"{m.Key}={m.Value.ToString("0.####", CultureInfo.InvariantCulture)}"));
                cli.Out.WriteLine($"{stage.Name,-16} {stage.Kind,-20} {stage.WallSeconds,8:0.0} s  {metrics}");
            }
            cli.Out.WriteLine($"run folder: {folder}");
            return 0;
        })));
        return command;
    }
}
