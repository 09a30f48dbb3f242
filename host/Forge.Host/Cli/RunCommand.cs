using System.CommandLine;
using System.Globalization;
using Forge.Core;
using Forge.Core.Distributed;
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
        var nproc = new Option<int>("--nproc-per-node") { Description = "Train data parallel with N ranks on this host, one per GPU, over NCCL (started here; torchrun, Slurm and Kubernetes operators set RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT instead)", DefaultValueFactory = _ => 1 };
        var command = new Command("run", "Run a pipeline (the default one when none is named); the run folder's config.json repeats it: forge run --config RUN/config.json")
        {
            pipeline, output, seed, resume, overwrite, allowConfigChange, dryRun, json, otlp, otlpProtocol, nproc,
        };
        command.SetAction((parse, _) =>
        {
            int ranks = parse.GetValue(nproc);
            if (ranks < 1 || ranks > 1024)
            {
                cli.Error.WriteLine($"error: --nproc-per-node {ranks}: expected 1 to 1024 ranks");
                return Task.FromResult(CliContext.UserError);
            }
            if (ranks > 1 && cli.Communicator is null && !DistributedEnvironment.IsSet() && !parse.GetValue(dryRun))
                return Task.FromResult(RankLauncher.Run(cli, ranks));
            var options = new RunOptions(pipeline, output, seed, resume, overwrite, allowConfigChange, dryRun, json, otlp, otlpProtocol);
            // Ranks other than 0 show nothing but warnings and errors: rank 0 speaks for the run.
            bool otherRank = (cli.Communicator?.Rank ?? DistributedEnvironment.RankOrZero()) != 0;
            bool live = !otherRank && !parse.GetValue(dryRun) && ProgressDisplay.IsLive(cli.Out, AnsiConsole.Console);
            return Task.FromResult(cli.WithApplication(parse, app => Run(cli, parse, app, live, options), quietConsoleLog: otherRank || live || parse.GetValue(dryRun)));
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

        if (!parse.GetValue(dryRun)) return Train(cli, parse, app, live, options, runner);
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
    }

    private static int Train(CliContext cli, ParseResult parse, ForgeApplication app, bool live, RunOptions options, PipelineRunner runner)
    {
        var (_, output, _, resume, overwrite, allowConfigChange, _, _, _, _) = options;
        bool resuming = parse.GetValue(resume);
        string? outputValue = parse.GetValue(output);
        // The ranks of a data-parallel run meet first; rank 0 alone then prepares and writes the run folder.
        using var ranks = cli.Communicator is null ? DistributedRun.Start(cli.Error, app.Forge.CollectiveTimeout) : null;
        var communicator = cli.Communicator ?? ranks?.Communicator ?? SingleProcessCommunicator.Instance;
        // A run folder named after the time is named after rank 0's clock on every rank.
        var started = DateTimeOffset.FromUnixTimeSeconds((long)communicator.BroadcastValues([DateTimeOffset.Now.ToUnixTimeSeconds()])[0]).LocalDateTime;
        if (communicator.Rank != 0)
        {
            var resumed = resuming ? RunResume.Read(Path.GetFullPath(outputValue!)) : null;
            var (rankName, rankSeed, rankFolder) = RunAndFolder(parse, app, options, resumed, started);
            return RunRank(cli, ranks, () => runner.Run(rankName, rankFolder, rankSeed, cli.Signals.Token, resumed, NoRunProgress.Instance, communicator));
        }

        // Nothing in the folder changes before it is locked and every check has passed. A resumed run's folder is
        // locked first, as its summary.json (pipeline, seed) is read; a new run's once every setting is checked, so
        // that --overwrite deletes nothing on a mistake.
        RunFolder? resumedFolder = null;
        RunResume? previous = null;
        if (resuming) (resumedFolder, previous) = RunFolder.ForResume(Path.GetFullPath(outputValue!));
        using var resumedLock = resumedFolder;
        var (name, runSeed, folder) = RunAndFolder(parse, app, options, previous, started);
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
            RunSummary RunWith(IRunProgress progress) => runner.Run(name, folder, runSeed, cli.Signals.Token, previous, progress, communicator);
            if (live) ProgressDisplay.LeaveACoreForTheDisplay();
            summary = live ? ProgressDisplay.Live(AnsiConsole.Console, RunWith) : ProgressDisplay.Plain(cli.Error, RunWith);
        }
        catch (StageInterruptedException ex)
        {
            ranks?.Finished();
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
        ranks?.Finished();
        RunSummaryTable.Write(cli.Out, summary);
        cli.Out.WriteLine($"run folder: {folder}");
        return 0;
    }

    /// <summary>
    /// A rank other than 0: trains without a display; its interruption (at the boundary every rank agreed on) is rank
    /// 0's to report, and like a finished run no failure to the others.
    /// </summary>
    private static int RunRank(CliContext cli, DistributedRun? ranks, Action run)
    {
        try
        {
            run();
            ranks?.Finished();
            return 0;
        }
        catch (StageInterruptedException)
        {
            ranks?.Finished();
            return cli.Signals.ExitCode;
        }
    }

    /// <summary>The pipeline, seed and run folder: the command line's, else the resumed run's, else configuration's.</summary>
    private static (string Name, int Seed, string Folder) RunAndFolder(ParseResult parse, ForgeApplication app, RunOptions options, RunResume? previous,
        DateTime? started = null)
    {
        string? outputValue = parse.GetValue(options.Output);
        string name = parse.GetValue(options.Pipeline) ?? previous?.Pipeline ?? app.Forge.DefaultPipeline
            ?? throw new ForgeDataException("no --pipeline given and Forge:DefaultPipeline is not set");
        int? seedGiven = parse.GetValue(options.Seed);
        if (previous is not null && seedGiven is { } given && given != previous.Seed)
            throw new ForgeDataException($"{Path.Combine(Path.GetFullPath(outputValue!), "summary.json")}: the run has seed {previous.Seed}, not {given}");
        int runSeed = seedGiven ?? previous?.Seed ?? app.Forge.Seed;
        string folder = Path.GetFullPath(outputValue
            ?? Path.Combine("runs", $"{name}-{(started ?? DateTime.Now).ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}"));
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
