using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Forge.Host.Tests.Support;

namespace Forge.Host.Tests;

/// <summary>
/// A real run's report.html, opened in a real headless Chromium: the browser runs the inlined plotly.js and draws a
/// chart per metric key; the charts' data embedded in the page are metrics.jsonl's values; <c>forge report --compare</c>
/// overlays runs; the headline deltas are computed from what summary.json and config.json say.
/// </summary>
public class ReportTests
{
    [Fact]
    public void A_run_report_renders_in_headless_chromium()
    {
        using var dir = new TempDirectory();
        var config = JsonSerializer.SerializeToNode(LearningTests.Config(LearningTests.Traces(dir, 100, 1), "grpo", 6))!;
        var learn = config["Pipelines"]!["learn"]!;
        learn["Eval"] = JsonSerializer.SerializeToNode(new { PromptSource = "arithmetic", Prompts = 8, K = 2, MaxNewTokens = 14 });
        learn["Stages"]![0]!["MaxSteps"] = 20;
        string path = dir.Write("forge.json", config.ToJsonString());
        ForgeProcess.Run("run", "--config", path, "--pipeline", "learn", "--output", dir.Combine("run"), "--seed", "2").ExitCode.Should().Be(0);
        string report = dir.Combine("run", "report.html");

        string dom = HeadlessChromium.DumpDom(report);

        dom.Should().Contain("<title>Forge run: learn</title>");
        Regex.Matches(dom, "<tr><td>(sft|rl)</td>").Should().HaveCount(2);
        dom.Should().Contain("command line: <code>forge run --config ").And.Contain("<details class=\"configuration\" id=\"configuration\">");
        foreach (string chart in new[] { "loss", "reward", "accuracy", "KL to reference", "completion length (tokens)", "learning_rate", "grad_norm" })
            dom.Should().Contain($"aria-label=\"{chart}\"");
        Regex.Match(dom, "<pre id=\"report-errors\">[^<]*").Value.Should().BeEmpty("no script error and no console.error while the page loaded");
        int charts = Regex.Count(dom, "<div class=\"chart[^\"]*\" role=\"img\"");
        charts.Should().BeGreaterThan(10, "every key the stages logged has its chart");
        dom.Should().Contain($"data-charts-drawn=\"{charts}\"");
        Regex.Count(dom, "class=\"js-line\"").Should().Be(2 * charts, "plotly drew each chart: the smoothed line and the faint raw one");
        dom.Should().Contain("&lt;answer&gt;", "completions are shown as text, tags included");

        string png = dir.Combine("report.png");
        HeadlessChromium.Screenshot(report, png);
        new FileInfo(png).Length.Should().BeGreaterThan(20_000, "a page with a table and charts, not a blank one");
    }

    [Fact]
    public void The_charts_data_embedded_in_the_page_are_the_values_of_metrics_jsonl()
    {
        using var dir = new TempDirectory();
        ForgeProcess.Run("run", "--config", TinySft.Config(dir), "--pipeline", TinySft.Pipeline, "--output", dir.Combine("run")).ExitCode.Should().Be(0);
        var logged = File.ReadAllLines(dir.Combine("run", "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(r => r.GetProperty("stage").GetString() == "sft" && r.TryGetProperty("grad_norm", out _)).ToList();
        logged.Should().HaveCount(20);

        string html = File.ReadAllText(dir.Combine("run", "report.html"));

        html.Should().Contain("aria-label=\"grad_norm\" data-stage=\"sft\" data-key=\"grad_norm\"");
        var series = EmbeddedData(html).GetProperty("runs")[0].GetProperty("stages").GetProperty("sft").GetProperty("grad_norm");
        series.GetProperty("x").EnumerateArray().Select(x => x.GetInt32()).Should().Equal(logged.Select(r => r.GetProperty("step").GetInt32()));
        series.GetProperty("y").EnumerateArray().Select(y => y.GetDouble()).Should().Equal(logged.Select(r => r.GetProperty("grad_norm").GetDouble()));
    }

    [Fact]
    public void Forge_report_compare_overlays_runs_a_line_per_run()
    {
        using var dir = new TempDirectory();
        string config = TinySft.Config(dir);
        foreach (var (run, seed) in new[] { ("first", "1"), ("second", "2") })
            ForgeProcess.Run("run", "--config", config, "--pipeline", TinySft.Pipeline, "--output", dir.Combine(run), "--seed", seed).ExitCode.Should().Be(0);
        string output = dir.Combine("compare.html");

        var result = ForgeProcess.Run("report", "--compare", dir.Combine("first"), dir.Combine("second"), "--output", output);

        result.ExitCode.Should().Be(0, result.Error);
        result.Out.Trim().Should().Be(output);
        var runs = EmbeddedData(File.ReadAllText(output)).GetProperty("runs").EnumerateArray().ToList();
        runs.Select(r => r.GetProperty("name").GetString()).Should().Equal("first", "second");
        foreach (var (run, name) in runs.Zip(new[] { "first", "second" }))
            run.GetProperty("stages").GetProperty("sft").GetProperty("loss").GetProperty("y").EnumerateArray().Select(y => y.GetDouble())
                .Should().Equal(File.ReadAllLines(dir.Combine(name, "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
                    .Where(r => r.TryGetProperty("loss", out _)).Select(r => r.GetProperty("loss").GetDouble()));

        string dom = HeadlessChromium.DumpDom(output);
        int charts = Regex.Count(dom, "<div class=\"chart[^\"]*\" role=\"img\"");
        charts.Should().BeGreaterThan(3);
        Regex.Count(dom, "class=\"js-line\"").Should().Be(2 * 2 * charts + 2 * charts, "each chart has a line per run, smoothed and raw, and a legend entry per run");
        Regex.Matches(dom, "class=\"legendtext\"[^>]*>([^<]+)<").Select(m => m.Groups[1].Value).Distinct().Should().Equal("first", "second");
        Regex.Match(dom, "<pre id=\"report-errors\">[^<]*").Value.Should().BeEmpty();
    }

    [Fact]
    public void Forge_report_compare_names_a_folder_that_is_not_a_run()
    {
        using var dir = new TempDirectory();
        ForgeProcess.Run("run", "--config", TinySft.Config(dir), "--pipeline", TinySft.Pipeline, "--output", dir.Combine("run")).ExitCode.Should().Be(0);
        string notRun = Directory.CreateDirectory(dir.Combine("empty")).FullName;

        var result = ForgeProcess.Run("report", "--compare", dir.Combine("run"), notRun, "--output", dir.Combine("compare.html"));

        result.ExitCode.Should().Be(2);
        result.Error.Trim().Should().Be($"error: {Path.Combine(notRun, "summary.json")}: not found; is {notRun} a run folder?");
        File.Exists(dir.Combine("compare.html")).Should().BeFalse();
    }

    [Fact]
    public void The_headline_deltas_follow_each_stages_Model_and_Teacher()
    {
        using var dir = new TempDirectory();
        object Stage(string name, string kind, double passAt1) => new
        {
            name, kind, wall_seconds = 1.0, metrics = new Dictionary<string, double> { ["loss"] = 0.5 },
            eval = new { pass_at_1 = passAt1, cons_at_k = passAt1, k = 4, prompts = 8, mean_length = 20 },
        };
        dir.Write("run/summary.json", JsonSerializer.Serialize(new
        {
            pipeline = "crafted", seed = 1,
            stages = new[] { Stage("base", "sft", 0.25), Stage("tuned", "rl", 0.375), Stage("small", "distill", 0.3), Stage("elsewhere", "rl", 0.5) },
        }));
        dir.Write("run/config.json", JsonSerializer.Serialize(new
        {
            Run = new { CommandLine = "forge run --pipeline crafted" },
            Pipelines = new
            {
                crafted = new
                {
                    Stages = new object[]
                    {
                        new { Name = "base", Kind = "sft" }, new { Name = "tuned", Kind = "rl", Model = "checkpoints/base" },
                        new { Name = "small", Kind = "distill", Teacher = "checkpoints/tuned" }, new { Name = "elsewhere", Kind = "rl", Model = "/models/base" },
                    },
                },
            },
        }));

        ForgeProcess.Run("report", "--run", dir.Combine("run")).ExitCode.Should().Be(0);

        string html = File.ReadAllText(dir.Combine("run", "report.html"));
        Regex.Matches(html, "<tr><th>([^<]+)</th><td class=\"delta\">([^<]+)</td>").Select(m => $"{m.Groups[1].Value}: {m.Groups[2].Value}")
            .Should().Equal("tuned − base: +12.5 points", "small / tuned: 80.0 %");
        html.Should().Contain("command line: <code>forge run --pipeline crafted</code>");
    }

    [Fact]
    public void Forge_report_names_a_folder_that_is_not_a_run()
    {
        using var dir = new TempDirectory();

        var result = ForgeProcess.Run("report", "--run", dir.Path);

        result.ExitCode.Should().Be(2);
        result.Error.Trim().Should().Be($"error: {Path.Combine(dir.Path, "summary.json")}: not found; is {dir.Path} a run folder?");
    }

    /// <summary>The charts' data: the JSON inside the page's <c>&lt;script id="report-data"&gt;</c>.</summary>
    private static JsonElement EmbeddedData(string html)
    {
        var match = Regex.Match(html, "<script type=\"application/json\" id=\"report-data\">(.*?)</script>", RegexOptions.Singleline);
        match.Success.Should().BeTrue("the page embeds its charts' data");
        return JsonDocument.Parse(match.Groups[1].Value).RootElement.Clone();
    }
}
