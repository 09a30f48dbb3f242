using System.Globalization;
using System.Text;
using Forge.Core.Pipelines;

namespace Forge.Core.Reports;

/// <summary>
/// <c>forge report --compare runA runB …</c>: one page that overlays runs — per stage name, one chart per metric key
/// with a line per run (the legend names the run folder) — after a table of the runs: pipeline, seed, pass@1 per stage,
/// headline deltas and command line, and each run's stage table and configuration (collapsible).
/// </summary>
public static class RunComparison
{
    /// <summary>Reads the run folders and writes the page to <paramref name="outputPath"/> atomically; returns its full path.</summary>
    public static string Write(IReadOnlyList<string> runDirectories, string outputPath)
    {
        ArgumentNullException.ThrowIfNull(runDirectories);
        var runs = new List<ComparedRun>();
        foreach (string directory in runDirectories)
        {
            if (!Directory.Exists(directory)) throw new ForgeDataException($"{directory}: no such run folder");
            var summary = RunReport.ReadSummary(directory);
            runs.Add(new ComparedRun(Name(directory, runs), summary, MetricsFile.Read(Path.Combine(directory, "metrics.jsonl")), RunReport.ReadConfiguration(directory)));
        }
        string path = Path.GetFullPath(outputPath);
        if (Path.GetDirectoryName(path) is { } parent) Directory.CreateDirectory(parent);
        File.WriteAllText(path + ".tmp", Render(runs));
        File.Move(path + ".tmp", path, overwrite: true);
        return path;
    }

    /// <summary>A run: its legend name (the folder's), summary, metric rows and configuration.</summary>
    public sealed record ComparedRun(string Name, RunSummary Summary, IReadOnlyList<MetricsFile.Row> Rows, System.Text.Json.Nodes.JsonObject? Configuration);

    /// <summary>The page for <paramref name="runs"/>.</summary>
    public static string Render(IReadOnlyList<ComparedRun> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var charted = runs.Select(r => new ChartRun(r.Name, r.Rows)).ToList();
        string names = string.Join(", ", runs.Select(r => r.Name));
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Forge runs: ").Append(Html.Escape(names))
            .Append("</title><style>").Append(RunReport.Style).Append("</style>").Append(ReportCharts.ErrorCatcher).Append("</head><body>");
        html.Append("<h1>Forge runs: ").Append(Html.Escape(names)).Append("</h1>");
        html.Append("<table id=\"runs\"><thead><tr><th>run</th><th>pipeline</th><th>seed</th><th>seconds</th><th>pass@1</th><th>deltas</th><th>command line</th></tr></thead><tbody>");
        foreach (var run in runs)
        {
            var deltas = RunDeltas.Of(run.Summary, run.Configuration);
            html.Append("<tr><td>").Append(Html.Escape(run.Name)).Append("</td><td>").Append(Html.Escape(run.Summary.Pipeline))
                .Append(CultureInfo.InvariantCulture, $"</td><td>{run.Summary.Seed}</td><td>{run.Summary.Stages.Sum(s => s.WallSeconds):0.0}</td><td>")
                .Append(Html.Escape(string.Join(" · ", run.Summary.Stages.Where(s => s.Eval is not null)
                    .Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Name} {s.Eval!.PassAt1:0.000}")))))
                .Append("</td><td>").Append(Html.Escape(string.Join(" · ", deltas.Select(d => $"{d.Label} {d.Text}"))))
                .Append("</td><td><code>").Append(Html.Escape(RunReport.CommandLine(run.Configuration) ?? "")).Append("</code></td></tr>");
        }
        html.Append("</tbody></table>");
        foreach (var (run, i) in runs.Select((r, i) => (r, i)))
        {
            html.Append("<details class=\"run\"><summary>").Append(Html.Escape(run.Name)).Append(": stages</summary>");
            RunReport.AppendStageTable(html, run.Summary, $"stages-{i}");
            html.Append("</details>");
            RunReport.AppendConfiguration(html, run.Configuration, $"configuration-{i}", $"{run.Name}: resolved configuration (config.json)");
        }
        ReportCharts.AppendControls(html);
        var stages = runs.SelectMany(r => r.Summary.Stages.Select(s => s.Name)).Concat(runs.SelectMany(r => r.Rows.Select(row => row.Stage)))
            .Distinct(StringComparer.Ordinal).ToList();
        foreach (string stage in stages)
        {
            html.Append("<section class=\"stage\" id=\"stage-").Append(Html.Escape(stage)).Append("\"><h2>").Append(Html.Escape(stage)).Append("</h2>");
            ReportCharts.AppendStage(html, stage, charted);
            html.Append("</section>");
        }
        ReportCharts.AppendScripts(html, charted);
        html.Append("</body></html>");
        return html.ToString();
    }

    /// <summary>The folder's name, made unique among the runs before it (<c>run (2)</c>).</summary>
    private static string Name(string directory, IReadOnlyList<ComparedRun> before)
    {
        string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)));
        string unique = name;
        for (int n = 2; before.Any(r => r.Name == unique); n++) unique = $"{name} ({n})";
        return unique;
    }
}
