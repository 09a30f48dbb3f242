using System.Text.Json;
using System.Text.Json.Nodes;
using Forge.Host.Tests.Support;

namespace Forge.Host.Tests;

/// <summary>
/// <c>config.json</c> in every run folder: the resolved configuration and the command line, itself a valid
/// <c>--config</c> file that repeats the run from another folder; a resumed run keeps the one it started with.
/// </summary>
[Collection(SeededRuns.Name)]
public class RunConfigurationTests
{
    private static List<JsonObject> Metrics(string run) =>
        File.ReadLines(Path.Combine(run, "metrics.jsonl")).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();

    private static string WithoutTime(JsonObject row) =>
        new JsonObject(row.Where(p => !p.Key.StartsWith("time", StringComparison.Ordinal) && !p.Key.StartsWith("gc/", StringComparison.Ordinal)).Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone()))).ToJsonString();

    [Fact]
    public void A_run_repeated_from_its_config_json_writes_the_same_metrics()
    {
        using var dir = new TempDirectory();
        string first = dir.Combine("first"), second = dir.Combine("second");
        // A relative input found in the first run's folder: the repeat, in another folder, must still find it.
        TinySft.Traces(dir, Path.Combine("first", "inputs.jsonl"));
        string config = TinySft.Config(dir, data: "inputs.jsonl");

        var run = ForgeProcess.Run("run", "--config", config, "--pipeline", TinySft.Pipeline, "--output", first, "--seed", "3",
            "--set", "Pipelines:tiny:Stages:0:MaxSteps=2");
        run.ExitCode.Should().Be(0, run.Error);

        var written = JsonNode.Parse(File.ReadAllText(Path.Combine(first, "config.json")))!;
        written["Run"]!["CommandLine"]!.GetValue<string>().Should().Be(
            $"forge run --config {config} --pipeline tiny --output {first} --seed 3 --set Pipelines:tiny:Stages:0:MaxSteps=2");
        written["Forge"]!["DefaultPipeline"]!.GetValue<string>().Should().Be("tiny");
        written["Forge"]!["Seed"]!.GetValue<int>().Should().Be(3);
        var stage = written["Pipelines"]!["tiny"]!["Stages"]![0]!;
        stage["MaxSteps"]!.GetValueKind().Should().Be(JsonValueKind.Number, "--set values are typed by the options class");
        stage["MaxSteps"]!.GetValue<int>().Should().Be(2);
        stage["Data"]!.GetValue<string>().Should().Be(Path.Combine(first, "inputs.jsonl"));

        var repeat = ForgeProcess.Run("run", "--config", Path.Combine(first, "config.json"), "--output", second);
        repeat.ExitCode.Should().Be(0, repeat.Error);

        var expected = Metrics(first);
        expected.Should().HaveCount(2).And.OnlyContain(r => r.ContainsKey("loss"));
        Metrics(second).Select(WithoutTime).Should().Equal(expected.Select(WithoutTime));
    }

    [Fact]
    public void A_resumed_run_keeps_the_config_json_it_started_with()
    {
        using var dir = new TempDirectory();
        string run = dir.Combine("run"), config = TinySft.Config(dir);
        ForgeProcess.Run("run", "--config", config, "--pipeline", TinySft.Pipeline, "--output", run, "--set", "Pipelines:tiny:Stages:0:MaxSteps=1")
            .ExitCode.Should().Be(0);
        string before = File.ReadAllText(Path.Combine(run, "config.json"));

        var resumed = ForgeProcess.Run("run", "--config", config, "--output", run, "--resume", "--set", "Pipelines:tiny:Stages:0:MaxSteps=1");
        resumed.ExitCode.Should().Be(0, resumed.Error);
        File.ReadAllText(Path.Combine(run, "config.json")).Should().Be(before);
    }
}
