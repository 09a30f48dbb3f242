using System.Globalization;
using Forge.Core.Pipelines;

namespace Forge.Host.Cli;

/// <summary>
/// The table `forge run` ends with: one row per stage — seconds, held-out pass@1 and cons@k of the model it produced,
/// and its headline number (RL: mean reward; SFT and distillation: loss; rejection sampling: samples kept).
/// Everything else is in metrics.jsonl and summary.json.
/// </summary>
internal static class RunSummaryTable
{
    public static void Write(TextWriter output, RunSummary summary)
    {
        int width = Math.Max(5, summary.Stages.Select(s => s.Name.Length).DefaultIfEmpty(0).Max());
        output.WriteLine($"{"stage".PadRight(width)}  {"kind",-18}  {"seconds",8}  {"pass@1",6}  {"cons@k",6}  headline");
        foreach (var stage in summary.Stages)
        {
            string pass = stage.Eval is { } e ? Number(e.PassAt1, "0.000") : "-";
            string cons = stage.Eval is { } c ? Number(c.ConsAtK, "0.000") : "-";
            output.WriteLine($"{stage.Name.PadRight(width)}  {stage.Kind,-18}  {Number(stage.WallSeconds, "0.0"),8}  {pass,6}  {cons,6}  {Core.Reports.StageHeadline.Of(stage)}");
        }
    }

    private static string Number(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
