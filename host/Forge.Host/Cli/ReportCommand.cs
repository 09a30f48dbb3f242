using System.CommandLine;
using Forge.Core.Reports;

namespace Forge.Host.Cli;

/// <summary><c>forge report --run DIR</c>: (re)writes the run folder's self-contained <c>report.html</c>.</summary>
internal static class ReportCommand
{
    public static Command Create(CliContext cli)
    {
        var run = new Option<string>("--run") { Description = "Run folder (holds summary.json and metrics.jsonl)", Required = true };
        var command = new Command("report", "Write report.html for a run folder: stage table, curves per stage, sample completions") { run };
        command.SetAction(parse => cli.Guard(parse, () =>
        {
            string folder = Path.GetFullPath(parse.GetValue(run)!);
            if (!Directory.Exists(folder)) throw new Core.ForgeDataException($"{folder}: no such run folder");
            cli.Out.WriteLine(RunReport.Write(folder));
            return 0;
        }));
        return command;
    }
}
