using System.Text.Json;
using System.Text.Json.Nodes;
using Forge.Host.Tests.Support;

namespace Forge.Host.Tests;

/// <summary>
/// Bad input in a later stage of `forge run`: one line naming the file, line or key and a non-zero exit — before any
/// stage trains when configuration can tell (a setting, a plugin name), else with what the earlier stages wrote still
/// in place (a file that turns out bad when read).
/// </summary>
public class HostileRunInputTests
{
    private static JsonNode TwoStages(string traces, string secondData) => JsonSerializer.SerializeToNode(new
    {
        Pipelines = new Dictionary<string, object>
        {
            ["two"] = new
            {
                Stages = new object[]
                {
                    new
                    {
                        Name = "first", Kind = "sft", Data = traces, MaxSteps = 2, BatchSize = 8,
                        NewModel = new { hidden_size = 16, intermediate_size = 32, num_hidden_layers = 1, num_attention_heads = 2, num_key_value_heads = 1, max_position_embeddings = 64 },
                    },
                    new { Name = "second", Kind = "sft", Data = secondData, Model = "checkpoints/first", MaxSteps = 2, BatchSize = 8 },
                },
            },
        },
    })!;

    private static ForgeProcess.Result Run(TempDirectory dir, JsonNode config) =>
        ForgeProcess.Run("run", "--config", dir.Write("c.json", config.ToJsonString()), "--pipeline", "two", "--output", dir.Combine("run"));

    private static void ShouldFailWithOneLine(ForgeProcess.Result result, int exitCode, string message)
    {
        result.ExitCode.Should().Be(exitCode);
        string[] lines = result.ErrorText.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.Contains(" info: ", StringComparison.Ordinal)).ToArray();
        lines.Should().ContainSingle($"one error line is expected, got:\n{result.Error}").Which.Should().Contain(message);
        result.Error.Should().NotContain("   at ");
    }

    private static void FirstStageKept(TempDirectory dir)
    {
        var stages = JsonDocument.Parse(File.ReadAllText(dir.Combine("run", "summary.json"))).RootElement.GetProperty("stages");
        stages.EnumerateArray().Select(s => s.GetProperty("name").GetString()).Should().Equal("first");
        File.Exists(dir.Combine("run", "checkpoints", "first", "model.safetensors")).Should().BeTrue();
        File.ReadLines(dir.Combine("run", "metrics.jsonl")).Should().HaveCount(2);
        // report.html is rewritten after every stage, so a run that failed later still shows the finished stage.
        File.ReadAllText(dir.Combine("run", "report.html")).Should().Contain("id=\"stage-first\"");
    }

    [Fact]
    public void A_bad_trace_line_in_a_later_stage_names_file_and_line_and_keeps_the_first_stage()
    {
        using var dir = new TempDirectory();
        string traces = LearningTests.Traces(dir, 16, 1);
        string bad = dir.Write("bad.jsonl", """{"prompt":"1+1","completion":"2"}""" + "\n" + """{"prompt": "2+2", "completion": """ + "\n");

        var result = Run(dir, TwoStages(traces, bad));

        ShouldFailWithOneLine(result, 2, $"{bad}:2: invalid JSON");
        FirstStageKept(dir);
    }

    /// <summary>A mistake configuration can show is refused before the first stage trains: the run folder stays empty.</summary>
    private static void NothingTrained(TempDirectory dir) =>
        Directory.Exists(dir.Combine("run", "checkpoints")).Should().BeFalse("the whole pipeline is checked before its first stage");

    [Fact]
    public void A_stage_setting_of_the_wrong_type_names_the_key()
    {
        using var dir = new TempDirectory();
        string traces = LearningTests.Traces(dir, 16, 1);
        var config = TwoStages(traces, traces);
        config["Pipelines"]!["two"]!["Stages"]![1]!["MaxSteps"] = "many";

        ShouldFailWithOneLine(Run(dir, config), 2, "Pipelines:two:Stages:1:MaxSteps: 'many' is not an integer");
        NothingTrained(dir);
    }

    [Fact]
    public void An_unknown_plugin_in_a_stage_lists_the_available_ones()
    {
        using var dir = new TempDirectory();
        string traces = LearningTests.Traces(dir, 16, 1);
        var config = TwoStages(traces, traces);
        config["Pipelines"]!["two"]!["Stages"]![1]!["Distiller"] = "telepathy";

        ShouldFailWithOneLine(Run(dir, config), 2, "Pipelines:two:Stages:1:Distiller: no distiller plugin named 'telepathy'; available: kd, sft");
        NothingTrained(dir);
    }

    [Fact]
    public void A_truncated_model_file_names_the_file()
    {
        using var dir = new TempDirectory();
        string traces = LearningTests.Traces(dir, 16, 1);
        var config = TwoStages(traces, traces);
        string model = dir.Combine("truncated");
        Directory.CreateDirectory(model);
        string source = Path.Combine(AppContext.BaseDirectory, "TestData", "models", "qwen2");
        File.Copy(Path.Combine(source, "config.json"), Path.Combine(model, "config.json"));
        byte[] weights = File.ReadAllBytes(Path.Combine(source, "model.safetensors"));
        File.WriteAllBytes(Path.Combine(model, "model.safetensors"), weights[..(weights.Length / 2)]);
        config["Pipelines"]!["two"]!["Stages"]![1]!["Model"] = model;
        config["Pipelines"]!["two"]!["Stages"]![1]!["Tokenizer"] = Path.Combine(AppContext.BaseDirectory, "TestData", "tokenizers", "char");

        var result = Run(dir, config);

        ShouldFailWithOneLine(result, 2, Path.Combine(model, "model.safetensors"));
        FirstStageKept(dir);
    }
}
