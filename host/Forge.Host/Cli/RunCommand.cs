using System.CommandLine;
using System.Globalization;
using Forge.Core;
using Forge.Core.Pipelines;
using Forge.Host.Hosting;
using Forge.Host.Progress;
using Forge.Host.Runs;
using Spectre.Console;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Host.Cli;

/// <summary>
/// <c>forge run</c>: runs a pipeline from configuration into a run folder (writing <c>config.json</c>, the resolved
/// configuration that repeats it, before the first stage), or (<c>--resume</c>) continues an interrupted one; with
/// <c>--dry-run</c> it checks the pipeline and prints every effective setting and its source instead. The folder is
/// locked for the whole run; a new run refuses a folder that holds a run (<c>--overwrite</c> deletes it first), a
/// resumed one refuses a folder without one and a configuration that changed (<c>--allow-config-change</c>); all of it
/// checked before anything in the folder changes. SIGINT/SIGTERM stop the run at a step boundary with a checkpoint
/// (exit 130/143); a plugin fault ends it with a checkpoint of the last complete step (exit 1); both print one line
/// saying how to resume.
/// </summary>
internal static class RunCommand
{
    public static Command Create(CliContext cli)
    {
        var pipeline = new Option<string?>("--pipeline") { Description = "Pipeline name under Pipelines: (default: Forge:DefaultPipeline, or the resumed run's)" };
        var output = new Option<string?>("--output") { Description = "Run folder (default: runs/<pipeline>-<time>)" };
        var seed = new Option<int?>("--seed") { Description = "Seed for every random choice of the run (default: Forge:Seed, else 0; the resumed run's)" };
        var resume = new Option<bool>("--resume") { Description = "Continue the run in --output: keep its finished stages, resume the interrupted one from its newest step checkpoint" };
        var overwrite = new Option<bool>("--overwrite") { Description = "Start again in an --output folder that holds a run: delete that run's files first (only those)" };
        var allowConfigChange = new Option<bool>("--allow-config-change") { Description = "With --resume: continue even though the configuration differs from the run folder's config.json (which then records the new one)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Check the pipeline and print every stage's effective settings (defaults and plugin options included) and where each came from; runs nothing, writes nothing" };
        var json = new Option<bool>("--json") { Description = "With --dry-run: print the settings as one JSON object" };
        var otlp = new Option<string?>("--otlp") { Description = "Also export the run's metrics over OTLP to this collector URL, e.g. http://127.0.0.1:4317 (meter Forge, one gauge per metric)" };
        var otlpProtocol = new Option<string>("--otlp-protocol") { Description = "grpc (collectors' port 4317) or http (OTLP/HTTP with protobuf, port 4318)", DefaultValueFactory = _ => "grpc" };
        var command = new Command("run", "Run a pipeline (the default one when none is named); the run folder's config.json repeats it: forge run --config RUN/config.json")
        {
            pipeline, output, seed, resume, overwrite, allowConfigChange, dryRun, json, otlp, otlpProtocol,
        };
        command.SetAction((parse, _) =>
        {
            var options = new RunOptions(pipeline, output, seed, resume, overwrite, allowConfigChange, dryRun, json, otlp, otlpProtocol);
            bool live = !parse.GetValue(dryRun) && ProgressDisplay.IsLive(cli.Out, AnsiConsole.Console);
            return Task.FromResult(cli.WithApplication(parse, app => Run(cli, parse, app, live, options), quietConsoleLog: live || parse.GetValue(dryRun)));
        });
        return command;
    }

    private sealed record RunOptions(Option<string?> Pipeline, Option<string?> Output, Option<int?> Seed, Option<bool> Resume, Option<bool> Overwrite,
        Option<bool> AllowConfigChange, Option<bool> DryRun, Option<bool> Json, Option<string?> Otlp, Option<string> OtlpProtocol);

    private static int Run(CliContext cli, ParseResult parse, ForgeApplication app, bool live, RunOptions options)
    {
        var (pipeline, output, seed, resume, overwrite, allowConfigChange, dryRun, json, otlp, otlpProtocol) = options;
        app.LogPluginTrust();
        using var telemetry = parse.GetValue(dryRun) ? null : OtlpMetrics.Start(parse.GetValue(otlp), parse.GetValue(otlpProtocol)!);
        if (parse.GetValue(json) && !parse.GetValue(dryRun)) throw new ForgeDataException("--json goes with --dry-run");
        bool resuming = parse.GetValue(resume);
        string? outputValue = parse.GetValue(output);
        if (resuming && outputValue is null) throw new ForgeDataException("--resume needs --output DIR, the run folder to continue");
        if (resuming && parse.GetValue(overwrite))
            throw new ForgeDataException("--resume and --overwrite exclude each other: one continues the run in --output, the other starts it again");
        if (parse.GetValue(overwrite) && outputValue is null) throw new ForgeDataException("--overwrite needs --output DIR, the run folder to start again");
        if (parse.GetValue(allowConfigChange) && !resuming) throw new ForgeDataException("--allow-config-change goes with --resume");
        var runner = app.Services.GetRequiredService<PipelineRunner>();

        if (parse.GetValue(dryRun))
        {
            var resumable = resuming ? RunResume.Read(Path.GetFullPath(outputValue!)) : null;
            var (dryName, drySeed, dryFolder) = RunAndFolder(parse, app, options, resumable);
            string pipelineSource = parse.GetValue(pipeline) is not null ? "--pipeline" : resumable is not null ? "the resumed run"
                : $"Forge:DefaultPipeline, {app.Layers.SourceOf("Forge:DefaultPipeline")}";
            string seedSource = parse.GetValue(seed) is not null ? "--seed" : resumable is not null ? "the resumed run"
                : $"Forge:Seed, {app.Layers.SourceOf("Forge:Seed")}";
            DryRun(cli, app, runner.Plan(dryName, dryFolder), new EffectiveSetting("pipeline", dryName, pipelineSource),
                new EffectiveSetting("seed", drySeed.ToString(CultureInfo.InvariantCulture), seedSource), dryFolder, parse.GetValue(json));
            return 0;
        }

        // Nothing in the folder changes before it is locked and every check has passed. A resumed run's folder is
        // locked first, as its summary.json (pipeline, seed) is read; a new run's once every setting is checked, so
        // that --overwrite deletes nothing on a mistake.
        RunFolder? resumedFolder = null;
        RunResume? previous = null;
        if (resuming) (resumedFolder, previous) = RunFolder.ForResume(Path.GetFullPath(outputValue!));
        using var resumedLock = resumedFolder;
        var (name, runSeed, folder) = RunAndFolder(parse, app, options, previous);
        previous?.RequirePipeline(name, folder);
        var plan = runner.Plan(name, folder);
        using var newLock = previous is null ? RunFolder.ForNewRun(folder, parse.GetValue(overwrite)) : null;
        StartingOver.Check(plan, folder, previous);
        var configuration = RunConfigurationFile.Build(folder, app, plan, runSeed, ShellWords.Forge(cli.Arguments));
        if (previous is null) RunConfigurationFile.Write(folder, configuration);
        else ResumedConfiguration.Check(folder, configuration, plan, parse.GetValue(allowConfigChange), cli.Error);

        RunSummary summary;
        cli.Signals.EnableGracefulStop();
        bool verbose = parse.GetValue(cli.Globals.Verbose);
        try
        {
            RunSummary RunWith(IRunProgress progress) => runner.Run(name, folder, runSeed, cli.Signals.Token, previous, progress);
            if (live) ProgressDisplay.LeaveACoreForTheDisplay();
            summary = live ? ProgressDisplay.Live(AnsiConsole.Console, RunWith) : ProgressDisplay.Plain(cli.Error, RunWith);
        }
        catch (StageInterruptedException ex)
        {
            cli.Error.WriteLine($"interrupted by {cli.Signals.Signal}: {ex.Message}; resume with: {ResumeCommandLine.For(cli.Arguments, folder)}");
            if (verbose) cli.Error.WriteLine(ex);
            return cli.Signals.ExitCode;
        }
        catch (PluginFaultException ex)
        {
            string resumeWith = ex.Checkpoint is null ? "" : $"; resume with: {ResumeCommandLine.For(cli.Arguments, folder)}";
            cli.Error.WriteLine($"error: {ex.Message}{resumeWith}");
            if (verbose) cli.Error.WriteLine(ex);
            return CliContext.InternalError;
        }
        RunSummaryTable.Write(cli.Out, summary);
        cli.Out.WriteLine($"run folder: {folder}");
        return 0;
    }

    /// <summary>The pipeline, seed and run folder: the command line's, else the resumed run's, else configuration's.</summary>
    private static (string Name, int Seed, string Folder) RunAndFolder(ParseResult parse, ForgeApplication app, RunOptions options, RunResume? previous)
    {
        string? outputValue = parse.GetValue(options.Output);
        string name = parse.GetValue(options.Pipeline) ?? previous?.Pipeline ?? app.Forge.DefaultPipeline
            ?? throw new ForgeDataException("no --pipeline given and Forge:DefaultPipeline is not set");
        int? seedGiven = parse.GetValue(options.Seed);
        if (previous is not null && seedGiven is { } given && given != previous.Seed)
            throw new ForgeDataException($"{Path.Combine(Path.GetFullPath(outputValue!), "summary.json")}: the run has seed {previous.Seed}, not {given}");
        int runSeed = seedGiven ?? previous?.Seed ?? app.Forge.Seed;
        string folder = Path.GetFullPath(outputValue
            ?? Path.Combine("runs", $"{name}-{DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}"));
        return (name, runSeed, folder);
    }

    /// <summary>--dry-run: the checked pipeline's every setting and its source; nothing is run or written.</summary>
    private static void DryRun(CliContext cli, ForgeApplication app, PipelinePlan plan, EffectiveSetting pipeline, EffectiveSetting seed, string folder, bool json)
    {
        var resolved = ResolvedPipeline.Of(app, plan, pipeline, seed, folder);
        if (json) DryRunOutput.WriteJson(cli.Out, resolved);
        else DryRunOutput.WriteText(cli.Out, resolved);
    }
}
