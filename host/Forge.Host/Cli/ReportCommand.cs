using System.CommandLine;
using Forge.Core.Reports;

namespace Forge.Host.Cli;

/// <summary>
/// <c>forge report --run DIR</c>: (re)writes the run folder's self-contained <c>report.html</c>;
/// <c>forge report --compare DIR DIR … [--output FILE]</c>: one page overlaying the runs' curves.
/// </summary>
internal static class ReportCommand
{
    /// <summary>Where <c>--compare</c> writes without <c>--output</c>.</summary>
    public const string DefaultCompareOutput = "compare.html";

    public static Command Create(CliContext cli)
    {
        var run = new Option<string>("--run") { Description = "Run folder (holds summary.json and metrics.jsonl): writes its report.html" };
        var compare = new Option<string[]>("--compare")
        {
            Description = "Run folders to overlay, two or more: one chart per metric with a line per run",
            AllowMultipleArgumentsPerToken = true,
        };
        var output = new Option<string>("--output") { Description = $"With --compare: the HTML file to write (default: {DefaultCompareOutput})" };
        var command = new Command("report", "Write report.html for a run folder (charts of every metric, stage table, deltas, configuration, samples), or compare runs")
        {
            run, compare, output,
        };
        command.Validators.Add(result =>
        {
            bool hasRun = result.GetResult(run) is not null, hasCompare = result.GetResult(compare) is not null;
            if (hasRun == hasCompare) result.AddError("give --run DIR or --compare DIR DIR …");
            else if (hasCompare && (result.GetValue(compare)?.Length ?? 0) < 2) result.AddError("--compare needs two run folders or more");
            else if (hasRun && result.GetResult(output) is not null) result.AddError("--output goes with --compare (--run writes DIR/report.html)");
        });
        command.SetAction(parse => cli.Guard(parse, () =>
        {
            if (parse.GetValue(compare) is { Length: > 0 } folders)
            {
                cli.Out.WriteLine(RunComparison.Write([.. folders.Select(Path.GetFullPath)], parse.GetValue(output) ?? DefaultCompareOutput));
                return 0;
            }
            string folder = Path.GetFullPath(parse.GetValue(run)!);
            if (!Directory.Exists(folder)) throw new Core.ForgeDataException($"{folder}: no such run folder");
            cli.Out.WriteLine(RunReport.Write(folder));
            return 0;
        }));
        return command;
    }
}
