using System.CommandLine;
using System.Globalization;
using Forge.Core;
using Forge.Core.Pipelines;
using Forge.Host.Hosting;
using Forge.Host.Progress;
using Spectre.Console;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Host.Cli;

/// <summary>
/// <c>forge run</c>: runs a pipeline from configuration into a run folder, or (<c>--resume</c>) continues an interrupted
/// one. SIGINT/SIGTERM stop the run at a step boundary with a checkpoint (exit 130/143); a plugin fault ends it with a
/// checkpoint of the last complete step (exit 1); both print one line saying how to resume.
/// </summary>
internal static class RunCommand
{
    public static Command Create(CliContext cli)
    {
        var pipeline = new Option<string?>("--pipeline") { Description = "Pipeline name under Pipelines: (default: Forge:DefaultPipeline, or the resumed run's)" };
        var output = new Option<string?>("--output") { Description = "Run folder (default: runs/<pipeline>-<time>)" };
        var seed = new Option<int?>("--seed") { Description = "Seed for every random choice of the run (default: Forge:Seed, else 0; the resumed run's)" };
        var resume = new Option<bool>("--resume") { Description = "Continue the run in --output: keep its finished stages, resume the interrupted one from its newest step checkpoint" };
        var command = new Command("run", "Run a pipeline (the default one when none is named)") { pipeline, output, seed, resume };
        command.SetAction((parse, _) =>
        {
            bool live = ProgressDisplay.IsLive(cli.Out, AnsiConsole.Console);
            return Task.FromResult(cli.WithApplication(parse, app => Run(cli, parse, app, live, pipeline, output, seed, resume), quietConsoleLog: live));
        });
        return command;
    }

    private static int Run(CliContext cli, ParseResult parse, ForgeApplication app, bool live, Option<string?> pipeline, Option<string?> output,
        Option<int?> seed, Option<bool> resume)
    {
        bool resuming = parse.GetValue(resume);
        string? outputValue = parse.GetValue(output);
        if (resuming && outputValue is null) throw new ForgeDataException("--resume needs --output DIR, the run folder to continue");
        var previous = resuming ? RunResume.Read(Path.GetFullPath(outputValue!)) : null;
        string name = parse.GetValue(pipeline) ?? previous?.Pipeline ?? app.Forge.DefaultPipeline
            ?? throw new ForgeDataException("no --pipeline given and Forge:DefaultPipeline is not set");
        int? seedGiven = parse.GetValue(seed);
        if (previous is not null && seedGiven is { } given && given != previous.Seed)
            throw new ForgeDataException($"{Path.Combine(Path.GetFullPath(outputValue!), "summary.json")}: the run has seed {previous.Seed}, not {given}");
        int runSeed = seedGiven ?? previous?.Seed ?? app.Forge.Seed;
        string folder = Path.GetFullPath(outputValue
            ?? Path.Combine("runs", $"{name}-{DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}"));

        RunSummary summary;
        cli.Signals.EnableGracefulStop();
        bool verbose = parse.GetValue(cli.Globals.Verbose);
        try
        {
            var runner = app.Services.GetRequiredService<PipelineRunner>();
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
}
