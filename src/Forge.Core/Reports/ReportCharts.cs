using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Forge.Core.Metrics;

namespace Forge.Core.Reports;

/// <summary>One run's metric rows as the charts draw them; <see cref="Name"/> is its legend entry.</summary>
public sealed record ChartRun(string Name, IReadOnlyList<MetricsFile.Row> Rows);

/// <summary>
/// The charts of <c>report.html</c> and of <c>forge report --compare</c>: plotly.js (vendored, inlined: the page works
/// offline) draws one chart per metric key of a stage — a line per run — from the metric rows embedded as JSON in
/// <c>&lt;script type="application/json" id="report-data"&gt;</c>; hover shows the values, dragging zooms, and a slider
/// smooths the lines by an exponential moving average as TensorBoard does (debiased; the raw line stays faint).
/// </summary>
public static class ReportCharts
{
    /// <summary>The smoothing weight the slider starts at.</summary>
    public const double DefaultSmoothing = 0.6;

    /// <summary>The id of the element whose text is the charts' data.</summary>
    public const string DataElementId = "report-data";

    /// <summary>The plotly.js version inlined (Reports/Assets/README.md).</summary>
    public const string PlotlyVersion = "4.1.1";

    private static readonly Lazy<string> Plotly = new(() =>
    {
        using var stream = typeof(ReportCharts).Assembly.GetManifestResourceStream("Forge.Core.Reports.plotly-basic.min.js")
            ?? throw new InvalidOperationException("Forge.Core lacks its embedded plotly-basic.min.js");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    });

    /// <summary>
    /// The keys a stage's rows chart, key → title, in order: the reward, each reward plugin's mean in the order the rows
    /// first name it, KL, length and loss, then every other key the rows hold (learning rate, grad norm, entropy, clip
    /// ratios, time/* phases, eval/*, …) in ordinal order.
    /// </summary>
    public static IReadOnlyList<(string Key, string Title)> Keys(IEnumerable<MetricsFile.Row> stageRows)
    {
        var rows = stageRows.ToList();
        var all = rows.SelectMany(r => r.Values.Keys).Distinct(StringComparer.Ordinal).ToList();
        var present = all.ToHashSet(StringComparer.Ordinal);
        (string, string)[] headline =
        [
            (RewardMetricKeys.Mean, "reward"),
            .. RewardMetricKeys.In(all).Select(key => (key, RewardMetricKeys.RewardOf(key)!)),
            ("kl", "KL to reference"), ("completion/length_mean", "completion length (tokens)"), ("loss", "loss"),
            (Stages.StageEvaluation.PassAt1Key, "held-out pass@1"),
        ];
        var keys = headline.Where(k => present.Contains(k.Item1)).ToList();
        var named = keys.Select(k => k.Item1).ToHashSet(StringComparer.Ordinal);
        keys.AddRange(all.Where(k => !named.Contains(k)).Order(StringComparer.Ordinal).Select(k => (k, k)));
        return keys;
    }

    /// <summary>The head's script: any script error or <c>console.error</c> shows in the page (<c>#report-errors</c>).</summary>
    public const string ErrorCatcher =
        "<script>(function(){var seen=[];function show(m){seen.push(String(m));var pre=document.getElementById('report-errors');" +
        "if(!pre){pre=document.createElement('pre');pre.id='report-errors';(document.body||document.documentElement).prepend(pre);}" +
        "pre.textContent='report error: '+seen.join('\\n');}window.reportError=show;window.addEventListener('error',function(e){show(e.message);});" +
        "window.addEventListener('unhandledrejection',function(e){show(e.reason);});var error=console.error;" +
        "console.error=function(){show(Array.prototype.join.call(arguments,' '));error.apply(console,arguments);};})();</script>";

    /// <summary>The smoothing slider and how to zoom.</summary>
    public static void AppendControls(StringBuilder html)
    {
        ArgumentNullException.ThrowIfNull(html);
        html.Append(CultureInfo.InvariantCulture,
            $"<p class=\"controls\"><label for=\"smoothing\">Smoothing</label> <input type=\"range\" id=\"smoothing\" min=\"0\" max=\"0.99\" step=\"0.01\" value=\"{DefaultSmoothing:0.00}\"> ")
            .Append(CultureInfo.InvariantCulture, $"<output id=\"smoothing-value\" for=\"smoothing\">{DefaultSmoothing:0.00}</output>")
            .Append(" <small>exponential moving average as in TensorBoard (0: raw values; the raw line stays faint); hover for values, drag to zoom, double-click to reset</small></p>");
    }

    /// <summary>
    /// A stage's charts: a placeholder per key that some run logged at two steps or more (the page's script draws it),
    /// then a table of the keys logged once (an evaluation's pass@1, a one-step stage's numbers); returns the charts' count.
    /// </summary>
    public static int AppendStage(StringBuilder html, string stage, IReadOnlyList<ChartRun> runs)
    {
        ArgumentNullException.ThrowIfNull(html);
        ArgumentNullException.ThrowIfNull(runs);
        var stageRows = runs.Select(r => r.Rows.Where(row => row.Stage == stage).ToList()).ToList();
        var keys = Keys(stageRows.SelectMany(r => r));
        var charted = keys.Where(k => stageRows.Any(rows => rows.Count(r => r.Values.ContainsKey(k.Key)) >= 2)).ToList();
        html.Append("<div class=\"charts\">");
        foreach (var (key, title) in charted)
            html.Append("<div class=\"chart\" role=\"img\" aria-label=\"").Append(Html.Escape(title)).Append("\" data-stage=\"").Append(Html.Escape(stage))
                .Append("\" data-key=\"").Append(Html.Escape(key)).Append("\"></div>");
        html.Append("</div>");
        var once = keys.Where(k => !charted.Contains(k)).Select(k => k.Key).ToList();
        if (once.Count > 0)
        {
            html.Append("<table class=\"metrics\">");
            if (runs.Count > 1)
            {
                html.Append("<thead><tr><th></th>");
                foreach (var run in runs) html.Append("<th>").Append(Html.Escape(run.Name)).Append("</th>");
                html.Append("</tr></thead>");
            }
            html.Append("<tbody>");
            foreach (string key in once)
            {
                html.Append("<tr><th>").Append(Html.Escape(key)).Append("</th>");
                foreach (var rows in stageRows)
                    html.Append("<td>").Append(rows.LastOrDefault(r => r.Values.ContainsKey(key)) is { } row ? Number(row.Values[key]) : "–").Append("</td>");
                html.Append("</tr>");
            }
            html.Append("</tbody></table>");
        }
        return charted.Count;
    }

    /// <summary>The charts' data, plotly.js and the script that draws every placeholder; goes last in the body.</summary>
    public static void AppendScripts(StringBuilder html, IReadOnlyList<ChartRun> runs)
    {
        ArgumentNullException.ThrowIfNull(html);
        html.Append("<script type=\"application/json\" id=\"").Append(DataElementId).Append("\">").Append(Data(runs)).Append("</script>");
        html.Append("<script>").Append(Plotly.Value).Append("</script>");
        html.Append("<script>").Append(Script).Append("</script>");
    }

    /// <summary>
    /// <c>{"smoothing": 0.6, "runs": [{"name": …, "stages": {stage: {key: {"x": [steps], "y": [values]}}}}]}</c>; a value
    /// that is not finite is null (a gap). The default encoder escapes &lt;, &gt; and &amp;, so no <c>&lt;/script&gt;</c> appears.
    /// </summary>
    public static string Data(IReadOnlyList<ChartRun> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("smoothing", DefaultSmoothing);
            json.WriteStartArray("runs");
            foreach (var run in runs)
            {
                json.WriteStartObject();
                json.WriteString("name", run.Name);
                json.WriteStartObject("stages");
                foreach (var stage in run.Rows.GroupBy(r => r.Stage))
                {
                    json.WriteStartObject(stage.Key);
                    foreach (var (key, _) in Keys(stage))
                    {
                        var points = stage.Where(r => r.Values.ContainsKey(key)).ToList();
                        json.WriteStartObject(key);
                        json.WriteStartArray("x");
                        foreach (var row in points) json.WriteNumberValue(row.Step);
                        json.WriteEndArray();
                        json.WriteStartArray("y");
                        foreach (var row in points)
                        {
                            double value = row.Values[key];
                            if (double.IsFinite(value)) json.WriteNumberValue(value);
                            else json.WriteNullValue();
                        }
                        json.WriteEndArray();
                        json.WriteEndObject();
                    }
                    json.WriteEndObject();
                }
                json.WriteEndObject();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>A number for a table: at most four decimals, exponent notation only for very small or large ones.</summary>
    public static string Number(double value)
    {
        if (!double.IsFinite(value)) return value.ToString(CultureInfo.InvariantCulture);
        double magnitude = Math.Abs(value);
        return magnitude != 0 && (magnitude < 1e-3 || magnitude >= 1e7)
            ? value.ToString("0.###e+0", CultureInfo.InvariantCulture)
            : value.ToString("0.####", CultureInfo.InvariantCulture);
    }

    /// <summary>Draws each <c>div.chart</c> from the data; the slider redraws them all (once per frame).</summary>
    private const string Script = """
        (function () {
          var data = JSON.parse(document.getElementById('report-data').textContent);
          var compare = data.runs.length > 1;
          var colors = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
          var config = { responsive: true, displaylogo: false, showSendToCloud: false, modeBarButtonsToRemove: ['lasso2d', 'select2d'] };
          function smooth(ys, weight) {
            var out = [], last = 0, n = 0;
            for (var i = 0; i < ys.length; i++) {
              var v = ys[i];
              if (v === null || !isFinite(v)) { out.push(null); continue; }
              n++;
              last = last * weight + (1 - weight) * v;
              out.push(last / (1 - Math.pow(weight, n)));
            }
            return out;
          }
          function traces(div, weight) {
            var out = [];
            data.runs.forEach(function (run, i) {
              var stage = run.stages[div.dataset.stage], series = stage && stage[div.dataset.key];
              if (!series) return;
              var color = colors[i % colors.length], single = series.x.length < 2;
              if (weight > 0 && !single)
                out.push({ type: 'scatter', mode: 'lines', x: series.x, y: series.y, name: run.name, legendgroup: 'run' + i, showlegend: false,
                  hoverinfo: 'skip', opacity: 0.25, line: { color: color, width: 1 } });
              out.push({ type: 'scatter', mode: single ? 'markers' : 'lines', x: series.x, y: weight > 0 ? smooth(series.y, weight) : series.y,
                customdata: series.y, name: run.name, legendgroup: 'run' + i, showlegend: compare, line: { color: color, width: 2 }, marker: { color: color },
                hovertemplate: 'step %{x}: %{y:.4~g}' + (weight > 0 ? ' (raw %{customdata:.4~g})' : '') + '<extra>' + (compare ? '%{fullData.name}' : '') + '</extra>' });
            });
            return out;
          }
          function layout(div) {
            return {
              title: { text: div.getAttribute('aria-label'), font: { size: 13 }, x: 0.01, xanchor: 'left' },
              height: compare ? 320 : 280, margin: { l: 60, r: 16, t: 40, b: compare ? 70 : 40 },
              font: { family: 'system-ui, sans-serif', size: 11 },
              xaxis: { title: { text: 'step' }, zeroline: false, automargin: true },
              yaxis: { zeroline: false, automargin: true, exponentformat: 'power' },
              showlegend: compare, legend: { orientation: 'h', y: -0.3 },
              hovermode: compare ? 'x unified' : 'closest'
            };
          }
          var slider = document.getElementById('smoothing'), shown = document.getElementById('smoothing-value');
          var charts = Array.prototype.slice.call(document.querySelectorAll('div.chart[data-key]'));
          function draw() {
            var weight = Math.min(0.999, Math.max(0, Number(slider.value) || 0));
            shown.textContent = weight.toFixed(2);
            charts.forEach(function (div) {
              try { Promise.resolve(Plotly.react(div, traces(div, weight), layout(div), config)).catch(window.reportError); }
              catch (e) { window.reportError(e && e.message || e); }
            });
            document.body.setAttribute('data-charts-drawn', String(charts.length));
          }
          var pending = false;
          slider.addEventListener('input', function () {
            if (pending) return;
            pending = true;
            requestAnimationFrame(function () { pending = false; draw(); });
          });
          draw();
        })();
        """;
}
