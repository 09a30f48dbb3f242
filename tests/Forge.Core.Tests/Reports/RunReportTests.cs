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
    public void Each_stage_gets_a_chart_per_metric_key_it_logged_headline_curves_first()
    {
        string html = RunReport.Render(Summary(), Rows(), Evals());

        Charts(html, "cold-start").Should().Equal("loss");
        Charts(html, "rl").Should().Equal("reward", "accuracy", "KL to reference", "completion length (tokens)");
        html.Should().Contain("<td>0.375</td><td>0.500</td><td>reward 0.5</td>").And.Contain("<th>kept</th><td>42</td>");
    }

    [Fact]
    public void Keys_past_the_headline_curves_are_charted_too_and_a_key_logged_once_is_a_number()
    {
        var rows = Enumerable.Range(0, 4).Select(step => new MetricsFile.Row("rl", step, new Dictionary<string, double>
        {
            ["time/sampling"] = 1.5, ["learning_rate"] = 1e-4 * step, ["reward/mean"] = 0.1 * step, ["entropy"] = 2.0,
        })).Append(new MetricsFile.Row("rl", 3, new Dictionary<string, double> { ["eval/pass_at_1"] = -1.49e-8 })).ToList();

        string html = RunReport.Render(Summary(), rows, Evals());

        Charts(html, "rl").Should().Equal("reward", "entropy", "learning_rate", "time/sampling");
        html.Should().Contain("<th>eval/pass_at_1</th><td>-1.49e-8</td>");
    }

    private static List<string> Charts(string html, string stage) =>
        Regex.Matches(html, $"<div class=\"chart\" role=\"img\" aria-label=\"([^\"]+)\" data-stage=\"{stage}\"").Select(m => m.Groups[1].Value).ToList();

    [Fact]
    public void Every_reward_a_stage_recorded_gets_its_curve_in_the_order_first_seen()
    {
        var rows = Enumerable.Range(0, 5).Select(step => new MetricsFile.Row("rl", step, new Dictionary<string, double>
        {
            ["reward/mean"] = 0.1 * step, ["reward/std"] = 0.2, ["reward/my-reward/mean"] = 0.05 * step, ["reward/format/mean"] = 0.5,
        })).ToList();

        string html = RunReport.Render(Summary(), rows, Evals());

        Charts(html, "rl").Should().Equal("reward", "my-reward", "format", "reward/std");
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
        Regex.Matches(html, "<script[^>]*>").Select(m => m.Value).Should().Equal(
            ["<script>", "<script type=\"application/json\" id=\"report-data\">", "<script>", "<script>"], "scripts are inline: the error catcher, the data, plotly.js, the charts");
        string markup = Regex.Replace(html, "<script[^>]*>.*?</script>", "", RegexOptions.Singleline);
        markup.Should().NotContainAny("http:", "https:", "src=", "href=", "@import");
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
