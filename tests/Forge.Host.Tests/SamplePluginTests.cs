using System.Text.Json;
using Forge.Host.Tests.Support;

namespace Forge.Host.Tests;

public class SamplePluginTests
{
    [Fact]
    public void The_third_party_sample_is_built_dropped_in_selected_by_configuration_and_its_scores_are_used()
    {
        using var dir = new TempDirectory();
        string pluginDir = Path.GetDirectoryName(SamplePluginBuild.Folder)!;
        Directory.GetFiles(SamplePluginBuild.Folder).Select(Path.GetFileName).Should().NotContain("Forge.Contracts.dll",
            "the contracts come from the host");
        string input = dir.Write("completions.jsonl",
            """{"prompt":"2+2?","completion":"<think>2+2=4</think><answer>4</answer>","answer":"4"}""" + "\n" +
            """{"prompt":"2+2?","completion":"<think>hmm</think><answer>four</answer>","answer":"4"}""" + "\n");
        string config = dir.Write("forge.json", JsonSerializer.Serialize(new
        {
            Forge = new { PluginDirectories = new[] { pluginDir } },
            Rewards = new Dictionary<string, object> { ["regex-match"] = new { Pattern = @"<answer>\d+</answer>", Score = 2.5 } },
            Pipelines = new Dictionary<string, object>
            {
                ["third-party"] = new
                {
                    Stages = new[] { new { Name = "judge", Kind = "score", Input = input, Rewards = new Dictionary<string, double> { ["regex-match"] = 1.0 } } },
                },
            },
        }));

        var result = ForgeProcess.Run("run", "--config", config, "--pipeline", "third-party", "--output", dir.Combine("run"));

        result.ExitCode.Should().Be(0, result.Error);
        var rows = File.ReadAllLines(dir.Combine("run", "data", "judge.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        rows.Select(r => r.GetProperty("rewards").GetProperty("regex-match").GetDouble()).Should().Equal(2.5, 0.0);
        var summary = JsonDocument.Parse(File.ReadAllText(dir.Combine("run", "summary.json"))).RootElement;
        summary.GetProperty("stages")[0].GetProperty("metrics").GetProperty("reward/regex-match/mean").GetDouble().Should().Be(1.25);
    }
}
