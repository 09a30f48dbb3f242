using System.Text.Json;
using System.Text.RegularExpressions;
using Forge.Host.Tests.Support;

namespace Forge.Host.Tests;

/// <summary>
/// A real run's report.html, opened in a real headless Chromium: the browser builds the stage table, one chart per
/// curve with its points, and shows sample completions as text.
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
        foreach (string chart in new[] { "loss", "reward", "accuracy", "KL to reference", "completion length (tokens)" })
            dom.Should().Contain($"aria-label=\"{chart}\"");
        Regex.Matches(dom, "<polyline class=\"series\" points=\"([^\"]+)\"").Select(m => m.Groups[1].Value.Split(' ').Length)
            .Should().Contain(20, "the SFT loss curve has a point per step").And.Contain(6, "each RL curve has a point per step");
        dom.Should().Contain("&lt;answer&gt;", "completions are shown as text, tags included");

        string png = dir.Combine("report.png");
        HeadlessChromium.Screenshot(report, png);
        new FileInfo(png).Length.Should().BeGreaterThan(20_000, "a page with a table and charts, not a blank one");
    }

    [Fact]
    public void Forge_report_names_a_folder_that_is_not_a_run()
    {
        using var dir = new TempDirectory();

        var result = ForgeProcess.Run("report", "--run", dir.Path);

        result.ExitCode.Should().Be(2);
        result.Error.Trim().Should().Be($"error: {Path.Combine(dir.Path, "summary.json")}: not found; is {dir.Path} a run folder?");
    }
}
