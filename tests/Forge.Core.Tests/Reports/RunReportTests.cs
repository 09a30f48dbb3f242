using System.Text.Json;
using System.Text.RegularExpressions;
using Forge.Contracts.Data;
using Forge.Contracts.Rewards;
using Forge.Core.Evaluation;
using Forge.Core.Pipelines;
using Forge.Core.Reports;

namespace Forge.Core.Tests.Reports;

/// <summary>report.html is one self-contained page: charts per stage from the metrics, escaped sample completions.</summary>
public class RunReportTests
{
    private static RunSummary Summary() => new("r1-mini", 3,
    [
        new StageSummary("cold-start", "sft", 1.5, new Dictionary<string, double> { ["loss"] = 0.4 }, new EvalResult(0.25, 0.3, 4, 8, 20)),
        new StageSummary("rl", "rl", 9.0, new Dictionary<string, double> { ["reward/mean"] = 0.5 }, new EvalResult(0.375, 0.5, 4, 8, 21)),
        new StageSummary("rejection", "rejection-sampling", 0.5, new Dictionary<string, double> { ["kept"] = 42, ["acceptance_rate"] = 0.25 }),
    ]);

    private static List<MetricsFile.Row> Rows()
    {
        var rows = new List<MetricsFile.Row>();
        for (int step = 0; step < 10; step++)
        {
            rows.Add(new("cold-start", step, new Dictionary<string, double> { ["loss"] = 3.0 - step * 0.2 }));
            rows.Add(new("rl", step, new Dictionary<string, double>
            {
                ["reward/mean"] = 0.1 * step, ["reward/accuracy/mean"] = 0.05 * step, ["kl"] = 0.01 * step, ["completion/length_mean"] = 20 + step,
            }));
        }
        return rows;
    }

    private static Dictionary<string, EvalReport> Evals() => new()
    {
        ["rl"] = new EvalReport("m", new EvalResult(0.375, 0.5, 4, 8, 21), new Dictionary<string, EvalResult>
        {
            ["sums"] = new(0.375, 0.5, 4, 8, 21) { Samples = [new EvalSample("What is 1+2?", "<think>1+2=3</think><answer>3</answer>", true)] },
        }),
    };

    [Fact]
    public void Each_stage_gets_the_curves_its_metrics_hold()
    {
        string html = RunReport.Render(Summary(), Rows(), Evals());

        Regex.Count(html, "<svg ").Should().Be(5, "one loss chart for the SFT stage, reward, accuracy, KL and length for RL");
        html.Should().Contain("aria-label=\"accuracy\"").And.Contain("aria-label=\"KL to reference\"").And.Contain("aria-label=\"completion length (tokens)\"");
        Regex.Matches(html, "<polyline class=\"series\" points=\"([^\"]+)\"").Select(m => m.Groups[1].Value.Split(' ').Length)
            .Should().AllBeEquivalentTo(10);
        html.Should().Contain("<td>0.375</td><td>0.500</td>").And.Contain("<th>kept</th><td>42</td>");
    }

    [Fact]
    public void Every_reward_a_stage_recorded_gets_its_curve_in_the_order_first_seen()
    {
        var rows = Enumerable.Range(0, 5).Select(step => new MetricsFile.Row("rl", step, new Dictionary<string, double>
        {
            ["reward/mean"] = 0.1 * step, ["reward/std"] = 0.2, ["reward/my-reward/mean"] = 0.05 * step, ["reward/format/mean"] = 0.5,
        })).ToList();

        string html = RunReport.Render(Summary(), rows, Evals());

        Regex.Matches(html, "aria-label=\"([^\"]+)\"").Select(m => m.Groups[1].Value).Should().Equal("reward", "my-reward", "format");
    }

    [Fact]
    public void A_stage_that_wrote_traces_shows_how_many_and_the_first_few()
    {
        var kept = Enumerable.Range(0, 6).Select(i => new RewardInput(
            new PromptRow($"p{i}", $"What is {i}+1?", new Dictionary<string, JsonElement>()), $"<think>{i}+1={i + 1}</think><answer>{i + 1}</answer>")).ToList();

        string html = RunReport.Render(Summary(), Rows(), Evals(), new Dictionary<string, WrittenTraces> { ["rejection"] = new(kept.Count, kept) });

        string section = html[html.IndexOf("id=\"stage-rejection\"", StringComparison.Ordinal)..];
        section.Should().Contain($"6 trace(s) written; the first {RunReport.TracesShown}:")
            .And.Contain("&lt;think&gt;3+1=4&lt;/think&gt;").And.NotContain("4+1=5", "only the first few are shown");
    }

    [Fact]
    public void Completions_show_as_text_and_nothing_is_fetched()
    {
        string html = RunReport.Render(Summary(), Rows(), Evals());

        html.Should().Contain("&lt;think&gt;1+2=3&lt;/think&gt;&lt;answer&gt;3&lt;/answer&gt;").And.NotContain("<think>");
        html.Should().NotContainAny("http:", "https:", "src=", "href=", "<script", "@import");
    }

    [Fact]
    public void A_bad_metrics_line_is_named()
    {
        string dir = Directory.CreateTempSubdirectory().FullName;
        try
        {
            Summary().Write(dir);
            File.WriteAllText(Path.Combine(dir, "metrics.jsonl"), "{\"stage\":\"rl\",\"step\":0,\"kl\":0.1}\n{\"stage\":\"rl\",\"step\":\n");

            var act = () => RunReport.Write(dir);

            act.Should().Throw<ForgeDataException>().WithMessage($"{Path.Combine(dir, "metrics.jsonl")}:2: not a metrics record*");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
