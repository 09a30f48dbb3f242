using System.Text.Json;
using Forge.Host.Tests.Support;

namespace Forge.Host.Tests;

/// <summary>
/// An sft stage that learns from a dataset instead of a trace file: <c>PromptSource</c> (the <c>dataset</c> source, JSONL
/// or Parquet) gives the prompts, <c>CompletionColumn</c> the completions; a row without that column is one line.
/// </summary>
public class SftFromDatasetTests
{
    /// <summary>A one-stage pipeline <c>tiny</c> whose sft stage reads <paramref name="dataset"/> through an inline <c>dataset</c> source.</summary>
    private static string Config(TempDirectory dir, string dataset, string completionColumn, string? prompt = null)
    {
        var stage = new Dictionary<string, object>
        {
            ["Name"] = "sft", ["Kind"] = "sft", ["MaxSteps"] = 3, ["BatchSize"] = 2, ["Template"] = "{prompt}",
            ["PromptSource"] = new Dictionary<string, object?> { ["Plugin"] = "dataset", ["Path"] = dataset, ["TestPercent"] = 0, ["Columns"] = new { Prompt = prompt } },
            ["CompletionColumn"] = completionColumn,
            ["NewModel"] = new { hidden_size = 16, intermediate_size = 32, num_hidden_layers = 1, num_attention_heads = 2, num_key_value_heads = 1, max_position_embeddings = 96 },
            ["Training"] = new { LearningRate = 0.003, MicroBatchSize = 2 },
        };
        return dir.Write("tiny.json", JsonSerializer.Serialize(new { Pipelines = new Dictionary<string, object> { ["tiny"] = new { Stages = new[] { stage } } } }));
    }

    private static string Problems(TempDirectory dir) => dir.Write("numina.jsonl", string.Join("\n", Enumerable.Range(0, 6)
        .Select(i => JsonSerializer.Serialize(new { problem = $"What is {i}+{i % 3}?", solution = $"<think>{i}+{i % 3}</think><answer>{i + i % 3}</answer>", source = "synthetic" }))) + "\n");

    private static int MetricRows(string run) =>
        File.ReadLines(Path.Combine(run, "metrics.jsonl")).Count(l => l.Contains("\"stage\":\"sft\"", StringComparison.Ordinal));

    [Fact]
    public void An_sft_stage_trains_on_a_jsonl_datasets_problem_and_solution_columns()
    {
        using var dir = new TempDirectory();
        var run = ForgeProcess.Run("run", "--config", Config(dir, Problems(dir), "solution", prompt: "problem"), "--pipeline", "tiny", "--output", dir.Combine("run"));
        run.ExitCode.Should().Be(0, run.Error);
        MetricRows(dir.Combine("run")).Should().Be(3);
        File.Exists(Path.Combine(dir.Combine("run"), "checkpoints", "sft", "model.safetensors")).Should().BeTrue();
    }

    [Fact]
    public void An_sft_stage_reads_a_parquet_dataset_and_a_row_without_the_completion_column_is_one_line()
    {
        using var dir = new TempDirectory();
        string parquet = dir.Combine("gsm8k.parquet");
        File.WriteAllBytes(parquet, Convert.FromBase64String(HostileCliTests.Gsm8kParquet));
        var read = ForgeProcess.Run("run", "--config", Config(dir, parquet, "answer"), "--pipeline", "tiny", "--output", dir.Combine("run"));
        read.ExitCode.Should().Be(0, read.Error);
        MetricRows(dir.Combine("run")).Should().Be(3);

        var missing = ForgeProcess.Run("run", "--config", Config(dir, Problems(dir), "generations", prompt: "problem"), "--pipeline", "tiny", "--output", dir.Combine("run2"));
        missing.ExitCode.Should().Be(2, missing.Error);
        missing.ErrorText.Trim().Should().StartWith("error: Pipelines:tiny:Stages:0:CompletionColumn: row '").And.Contain("has no column 'generations' (its columns: ")
            .And.NotContain("\n");
    }

    [Fact]
    public void An_sft_stage_with_neither_data_nor_a_source_is_one_line_before_anything_runs()
    {
        using var dir = new TempDirectory();
        string config = dir.Write("none.json", """
            {"Pipelines":{"tiny":{"Stages":[{"Name":"sft","Kind":"sft","NewModel":{"hidden_size":16,"intermediate_size":32,"num_hidden_layers":1,
             "num_attention_heads":2,"num_key_value_heads":1,"max_position_embeddings":64}}]}}}
            """);
        var run = ForgeProcess.Run("run", "--config", config, "--pipeline", "tiny", "--output", dir.Combine("run"));
        run.ExitCode.Should().Be(2, run.Error);
        run.ErrorText.Trim().Should().Be("error: Pipelines:tiny:Stages:0:Data: missing: give Data (a trace file) or PromptSource (a dataset whose rows carry the completion)");
        Directory.Exists(dir.Combine("run")).Should().BeFalse("nothing is written on a mistake");
    }
}
