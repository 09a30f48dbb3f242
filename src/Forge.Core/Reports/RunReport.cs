using System.Globalization;
using System.Text;
using System.Text.Json;
using Forge.Core.Data;
using Forge.Core.Evaluation;
using Forge.Core.Metrics;
using Forge.Core.Pipelines;

namespace Forge.Core.Reports;

/// <summary>
/// The run folder's <c>report.html</c>: one self-contained page (inline CSS and SVG, no scripts, no links) with the
/// stage table, the curves of each stage from <c>metrics.jsonl</c>, sample completions from <c>eval/&lt;stage&gt;.json</c>
/// and the first traces a stage wrote to <c>data/&lt;stage&gt;.jsonl</c> (rejection sampling's kept samples).
/// Rewritten after every stage, so an interrupted run still has one.
/// </summary>
public static class RunReport
{
    /// <summary>The report's file name in the run folder.</summary>
    public const string FileName = "report.html";

    /// <summary>How many of a stage's written traces the page shows.</summary>
    public const int TracesShown = 4;

    /// <summary>
    /// Curves drawn for a stage when its metrics hold them, metric key → chart title: the reward, then each reward
    /// plugin's mean in the order the records first name it (whatever rewards the run used), then KL, length and loss.
    /// </summary>
    private static IEnumerable<(string Key, string Title)> Curves(IReadOnlyList<MetricsFile.Row> stageRows) =>
    [
        (RewardMetricKeys.Mean, "reward"),
        .. RewardMetricKeys.In(stageRows.SelectMany(r => r.Values.Keys)).Select(key => (key, RewardMetricKeys.RewardOf(key)!)),
        ("kl", "KL to reference"), ("completion/length_mean", "completion length (tokens)"), ("loss", "loss"), (Stages.StageEvaluation.PassAt1Key, "held-out pass@1"),
    ];

    /// <summary>
    /// Reads the run folder and writes <c>report.html</c> into it atomically; returns its path. A caller that holds the
    /// run's <paramref name="summary"/> passes it, otherwise <c>summary.json</c> is read.
    /// </summary>
    public static string Write(string runDirectory, RunSummary? summary = null)
    {
        summary ??= RunSummary.Read(runDirectory)
            ?? throw new ForgeDataException($"{Path.Combine(runDirectory, "summary.json")}: not found; is {runDirectory} a run folder?");
        var rows = MetricsFile.Read(Path.Combine(runDirectory, "metrics.jsonl"));
        var evals = new Dictionary<string, EvalReport>();
        foreach (var stage in summary.Stages)
        {
            string evalPath = Path.Combine(runDirectory, "eval", stage.Name + ".json");
            if (!File.Exists(evalPath)) continue;
            try
            {
                if (JsonSerializer.Deserialize<EvalReport>(Data.BoundedFile.ReadAllText(evalPath, Data.BoundedFile.SmallJsonBytes, "evaluation report")) is { } report) evals[stage.Name] = report;
            }
            catch (JsonException ex)
            {
                throw new ForgeDataException($"{evalPath}: not an evaluation report ({ex.Message})");
            }
        }
        var traces = new Dictionary<string, WrittenTraces>();
        foreach (var stage in summary.Stages)
        {
            string dataPath = Path.Combine(runDirectory, "data", stage.Name + ".jsonl");
            // Counted, but only the rows shown are parsed: the report is rewritten after every stage.
            if (File.Exists(dataPath))
                traces[stage.Name] = new WrittenTraces(Data.BoundedFile.ReadLines(dataPath, "traces").Count(l => !string.IsNullOrWhiteSpace(l.Text)),
                    [.. CompletionFile.Rows(dataPath).Take(TracesShown)]);
        }
        string path = Path.Combine(runDirectory, FileName);
        File.WriteAllText(path + ".tmp", Render(summary, rows, evals, traces));
        File.Move(path + ".tmp", path, overwrite: true);
        return path;
    }

    /// <summary>The page for a run's summary, metric rows, evaluation reports and the traces stages wrote.</summary>
    public static string Render(RunSummary summary, IReadOnlyList<MetricsFile.Row> rows, IReadOnlyDictionary<string, EvalReport> evals,
        IReadOnlyDictionary<string, WrittenTraces>? traces = null)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(evals);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Forge run: ")
            .Append(Html.Escape(summary.Pipeline)).Append("</title><style>").Append(Style).Append("</style></head><body>");
        html.Append("<h1>Forge run: ").Append(Html.Escape(summary.Pipeline)).Append("</h1>");
        html.Append(CultureInfo.InvariantCulture, $"<p>seed {summary.Seed} · {summary.Stages.Count} stage(s) · {summary.Stages.Sum(s => s.WallSeconds):0.0} s</p>");
        html.Append("<table id=\"stages\"><thead><tr><th>stage</th><th>kind</th><th>seconds</th><th>pass@1</th><th>cons@k</th></tr></thead><tbody>");
        foreach (var stage in summary.Stages)
        {
            html.Append("<tr><td>").Append(Html.Escape(stage.Name)).Append("</td><td>").Append(Html.Escape(stage.Kind)).Append("</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{stage.WallSeconds:0.0}</td>")
                .Append(stage.Eval is { } e ? string.Create(CultureInfo.InvariantCulture, $"<td>{e.PassAt1:0.000}</td><td>{e.ConsAtK:0.000}</td>") : "<td>–</td><td>–</td>")
                .Append("</tr>");
        }
        html.Append("</tbody></table>");
        foreach (var stage in summary.Stages)
        {
            html.Append("<section class=\"stage\" id=\"stage-").Append(Html.Escape(stage.Name)).Append("\"><h2>")
                .Append(Html.Escape(stage.Name)).Append(" <small>").Append(Html.Escape(stage.Kind)).Append("</small></h2><div class=\"charts\">");
            var stageRows = rows.Where(r => r.Stage == stage.Name).ToList();
            int charts = 0;
            foreach (var (key, title) in Curves(stageRows))
            {
                var points = stageRows.Where(r => r.Values.ContainsKey(key)).Select(r => ((double)r.Step, r.Values[key])).ToList();
                if (points.Count < 2) continue;
                html.Append(SvgLineChart.Render(title, points));
                charts++;
            }
            html.Append("</div>");
            if (charts == 0 && stage.Metrics.Count > 0) AppendMetrics(html, stage.Metrics);
            if (evals.TryGetValue(stage.Name, out var report))
                AppendSamples(html, report);
            if (traces is not null && traces.TryGetValue(stage.Name, out var written))
                AppendTraces(html, written);
            html.Append("</section>");
        }
        html.Append("</body></html>");
        return html.ToString();
    }

    /// <summary>A one-step stage (rejection sampling, scoring) has numbers, not curves.</summary>
    private static void AppendMetrics(StringBuilder html, IReadOnlyDictionary<string, double> metrics)
    {
        html.Append("<table class=\"metrics\"><tbody>");
        foreach (var (key, value) in metrics.OrderBy(m => m.Key, StringComparer.Ordinal))
            html.Append("<tr><th>").Append(Html.Escape(key)).Append(CultureInfo.InvariantCulture, $"</th><td>{value:0.####}</td></tr>");
        html.Append("</tbody></table>");
    }

    private static void AppendSamples(StringBuilder html, EvalReport report)
    {
        var samples = report.Tasks.SelectMany(t => (t.Value.Samples ?? []).Select(s => (Task: t.Key, Sample: s))).ToList();
        if (samples.Count == 0) return;
        html.Append("<table class=\"samples\"><thead><tr><th>task</th><th>prompt</th><th>completion</th><th>correct</th></tr></thead><tbody>");
        foreach (var (task, sample) in samples)
        {
            html.Append("<tr><td>").Append(Html.Escape(task)).Append("</td><td><pre>").Append(Html.Escape(sample.Prompt))
                .Append("</pre></td><td><pre>").Append(Html.Escape(sample.Completion)).Append("</pre></td><td class=\"")
                .Append(sample.Correct ? "ok\">✓" : "bad\">✗").Append("</td></tr>");
        }
        html.Append("</tbody></table>");
    }

    /// <summary>What rejection sampling kept: the count and the first few traces, as the student will read them.</summary>
    private static void AppendTraces(StringBuilder html, WrittenTraces traces)
    {
        html.Append(CultureInfo.InvariantCulture, $"<p class=\"traces\">{traces.Count} trace(s) written")
            .Append(traces.Count == 0 ? "." : traces.Count > TracesShown ? string.Create(CultureInfo.InvariantCulture, $"; the first {TracesShown}:") : ":")
            .Append("</p>");
        if (traces.Count == 0) return;
        html.Append("<table class=\"traces\"><thead><tr><th>prompt</th><th>completion</th></tr></thead><tbody>");
        foreach (var trace in traces.First.Take(TracesShown))
            html.Append("<tr><td><pre>").Append(Html.Escape(trace.Row.Prompt)).Append("</pre></td><td><pre>")
                .Append(Html.Escape(trace.Completion)).Append("</pre></td></tr>");
        html.Append("</tbody></table>");
    }

    private const string Style =
        "body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}" +
        "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}pre{margin:0;white-space:pre-wrap;max-width:40em}" +
        ".charts{display:flex;flex-wrap:wrap;gap:12px}.chart .frame{fill:#fafafa;stroke:#999}.chart .grid{stroke:#e4e4e4}" +
        ".chart .series{fill:none;stroke:#1f6fb4;stroke-width:1.5}.chart text{font-size:10px;fill:#444}.chart .title{font-size:12px;fill:#222}" +
        ".ok{color:#18794e}.bad{color:#b42318}small{color:#777;font-weight:normal}";
}
