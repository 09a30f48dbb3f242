using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Forge.Core.Data;
using Forge.Core.Evaluation;
using Forge.Core.Metrics;
using Forge.Core.Pipelines;

namespace Forge.Core.Reports;

/// <summary>
/// The run folder's <c>report.html</c>: one self-contained page that works offline (inline CSS, data and plotly.js; no
/// links) with the command line, the resolved configuration (<c>config.json</c>, collapsible), the stage table with
/// each stage's headline, the headline pass@1 deltas (<see cref="RunDeltas"/>), a chart per metric key of each stage
/// from <c>metrics.jsonl</c> (<see cref="ReportCharts"/>: hover, zoom, smoothing), sample completions from
/// <c>eval/&lt;stage&gt;.json</c> and the first traces a stage wrote to <c>data/&lt;stage&gt;.jsonl</c> (rejection
/// sampling's kept samples). Rewritten after every stage, so an interrupted run still has one.
/// </summary>
public static class RunReport
{
    /// <summary>The report's file name in the run folder.</summary>
    public const string FileName = "report.html";

    /// <summary>The run folder's resolved configuration, written by the host.</summary>
    public const string ConfigurationFileName = "config.json";

    /// <summary>How many of a stage's written traces the page shows.</summary>
    public const int TracesShown = 4;

    /// <summary>
    /// Reads the run folder and writes <c>report.html</c> into it atomically; returns its path. A caller that holds the
    /// run's <paramref name="summary"/> passes it, otherwise <c>summary.json</c> is read.
    /// </summary>
    public static string Write(string runDirectory, RunSummary? summary = null)
    {
        summary ??= ReadSummary(runDirectory);
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
        File.WriteAllText(path + ".tmp", Render(summary, rows, evals, traces, ReadConfiguration(runDirectory)));
        File.Move(path + ".tmp", path, overwrite: true);
        return path;
    }

    /// <summary>The run folder's <c>summary.json</c>; a folder without one is a <see cref="ForgeDataException"/> naming it.</summary>
    public static RunSummary ReadSummary(string runDirectory) => RunSummary.Read(runDirectory)
        ?? throw new ForgeDataException($"{Path.Combine(runDirectory, "summary.json")}: not found; is {runDirectory} a run folder?");

    /// <summary>The run folder's <c>config.json</c> (keys ignoring case), or null when it has none or it is not a JSON object.</summary>
    public static JsonObject? ReadConfiguration(string runDirectory)
    {
        string path = Path.Combine(runDirectory, ConfigurationFileName);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonNode.Parse(Data.BoundedFile.ReadAllText(path, Data.BoundedFile.SmallJsonBytes, "run configuration"),
                new JsonNodeOptions { PropertyNameCaseInsensitive = true }) as JsonObject;
        }
        catch (JsonException)
        {
            return null; // the report still shows what it can; `forge run --config` names the problem
        }
    }

    /// <summary>The command line the run recorded in <c>config.json</c> (<c>Run:CommandLine</c>), or null.</summary>
    public static string? CommandLine(JsonObject? configuration) =>
        configuration?["Run"]?["CommandLine"] is JsonValue v && v.TryGetValue(out string? line) ? line : null;

    /// <summary>The page for a run's summary, metric rows, evaluation reports, the traces stages wrote and its configuration.</summary>
    public static string Render(RunSummary summary, IReadOnlyList<MetricsFile.Row> rows, IReadOnlyDictionary<string, EvalReport> evals,
        IReadOnlyDictionary<string, WrittenTraces>? traces = null, JsonObject? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(evals);
        var runs = new[] { new ChartRun(summary.Pipeline, rows) };
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Forge run: ")
            .Append(Html.Escape(summary.Pipeline)).Append("</title><style>").Append(Style).Append("</style>").Append(ReportCharts.ErrorCatcher).Append("</head><body>");
        html.Append("<h1>Forge run: ").Append(Html.Escape(summary.Pipeline)).Append("</h1>");
        html.Append(CultureInfo.InvariantCulture, $"<p>seed {summary.Seed} · {summary.Stages.Count} stage(s) · {summary.Stages.Sum(s => s.WallSeconds):0.0} s</p>");
        if (CommandLine(configuration) is { } commandLine)
            html.Append("<p class=\"command\">command line: <code>").Append(Html.Escape(commandLine)).Append("</code></p>");
        AppendStageTable(html, summary);
        AppendDeltas(html, RunDeltas.Of(summary, configuration));
        AppendConfiguration(html, configuration, "configuration");
        ReportCharts.AppendControls(html);
        foreach (var stage in summary.Stages)
        {
            html.Append("<section class=\"stage\" id=\"stage-").Append(Html.Escape(stage.Name)).Append("\"><h2>")
                .Append(Html.Escape(stage.Name)).Append(" <small>").Append(Html.Escape(stage.Kind)).Append("</small></h2>");
            ReportCharts.AppendStage(html, stage.Name, runs);
            if (!rows.Any(r => r.Stage == stage.Name) && stage.Metrics.Count > 0) AppendMetrics(html, stage.Metrics);
            if (evals.TryGetValue(stage.Name, out var report))
                AppendSamples(html, report);
            if (traces is not null && traces.TryGetValue(stage.Name, out var written))
                AppendTraces(html, written);
            html.Append("</section>");
        }
        ReportCharts.AppendScripts(html, runs);
        html.Append("</body></html>");
        return html.ToString();
    }

    /// <summary>Stage, kind, seconds, pass@1, cons@k and headline (<see cref="StageHeadline"/>) of each stage.</summary>
    internal static void AppendStageTable(StringBuilder html, RunSummary summary, string id = "stages")
    {
        html.Append("<table id=\"").Append(Html.Escape(id)).Append("\" class=\"stages\"><thead><tr><th>stage</th><th>kind</th><th>seconds</th><th>pass@1</th><th>cons@k</th><th>headline</th></tr></thead><tbody>");
        foreach (var stage in summary.Stages)
        {
            html.Append("<tr><td>").Append(Html.Escape(stage.Name)).Append("</td><td>").Append(Html.Escape(stage.Kind)).Append("</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{stage.WallSeconds:0.0}</td>")
                .Append(stage.Eval is { } e ? string.Create(CultureInfo.InvariantCulture, $"<td>{e.PassAt1:0.000}</td><td>{e.ConsAtK:0.000}</td>") : "<td>–</td><td>–</td>")
                .Append("<td>").Append(Html.Escape(StageHeadline.Of(stage))).Append("</td></tr>");
        }
        html.Append("</tbody></table>");
    }

    /// <summary>The headline deltas: <c>rl − sft: +12.5 points</c>, <c>student / rl: 80.0 %</c>.</summary>
    internal static void AppendDeltas(StringBuilder html, IReadOnlyList<RunDelta> deltas)
    {
        if (deltas.Count == 0) return;
        html.Append("<table class=\"deltas\"><thead><tr><th>pass@1</th><th>change</th><th></th></tr></thead><tbody>");
        foreach (var delta in deltas)
            html.Append("<tr><th>").Append(Html.Escape(delta.Label)).Append("</th><td class=\"delta\">").Append(Html.Escape(delta.Text))
                .Append(CultureInfo.InvariantCulture, $"</td><td><small>{delta.PassAt1:0.000} vs {delta.ReferencePassAt1:0.000}, ")
                .Append(delta.Kind == RunDeltaKind.GainOverModel ? "trained from its checkpoint" : "its teacher").Append("</small></td></tr>");
        html.Append("</tbody></table>");
    }

    /// <summary>config.json, indented, in a collapsed <c>&lt;details&gt;</c>.</summary>
    internal static void AppendConfiguration(StringBuilder html, JsonObject? configuration, string id, string? title = null)
    {
        if (configuration is null) return;
        html.Append("<details class=\"configuration\" id=\"").Append(Html.Escape(id)).Append("\"><summary>")
            .Append(Html.Escape(title ?? "resolved configuration (config.json)")).Append("</summary><pre>")
            .Append(Html.Escape(configuration.ToJsonString(Data.ForgeJson.Indented))).Append("</pre></details>");
    }

    /// <summary>A one-step stage (rejection sampling, scoring) has numbers, not curves.</summary>
    private static void AppendMetrics(StringBuilder html, IReadOnlyDictionary<string, double> metrics)
    {
        html.Append("<table class=\"metrics\"><tbody>");
        foreach (var (key, value) in metrics.OrderBy(m => m.Key, StringComparer.Ordinal))
            html.Append("<tr><th>").Append(Html.Escape(key)).Append("</th><td>").Append(ReportCharts.Number(value)).Append("</td></tr>");
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

    internal const string Style =
        "body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}" +
        "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}pre{margin:0;white-space:pre-wrap;max-width:40em}" +
        ".charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(420px,1fr));gap:12px}.chart{min-height:280px;border:1px solid #eee}" +
        "details.configuration pre{max-width:none;background:#fafafa;padding:8px;font-size:12px}code{font-size:12px}" +
        "#report-errors{color:#b42318;border:1px solid #b42318;padding:8px}.controls input{vertical-align:middle}" +
        ".ok{color:#18794e}.bad{color:#b42318}small{color:#777;font-weight:normal}td.delta{font-weight:bold}";
}
