using System.Text.Json;
using Forge.Host.Tests.Support;

namespace Forge.Host.Tests;

/// <summary>
/// <c>"Eval": {"Enabled": false}</c> turns evaluation off — a stage's own Eval over the pipeline's, the pipeline's in
/// the file or by <c>--set</c> — with no eval/&lt;stage&gt;.json, no pass@1 in the summary or metrics.jsonl.
/// </summary>
public class EvalSwitchTests
{
    /// <summary>One tiny SFT stage under a pipeline-level evaluation on arithmetic; <paramref name="stageEval"/> is the stage's own Eval.</summary>
    private static (ForgeProcess.Result Result, string Run) Run(TempDirectory dir, object? stageEval, params string[] settings)
    {
        string traces = LearningTests.Traces(dir, 8, 1);
        var stage = new Dictionary<string, object>
        {
            ["Name"] = "sft", ["Kind"] = "sft", ["Data"] = traces, ["MaxSteps"] = 2, ["BatchSize"] = 4,
            ["NewModel"] = new { hidden_size = 16, intermediate_size = 32, num_hidden_layers = 1, num_attention_heads = 2, num_key_value_heads = 1, max_position_embeddings = 64 },
        };
        if (stageEval is not null) stage["Eval"] = stageEval;
        string config = dir.Write("switch.json", JsonSerializer.Serialize(new
        {
            Pipelines = new Dictionary<string, object>
            {
                ["switch"] = new { Eval = new { PromptSource = "arithmetic", Prompts = 2, K = 1, MaxNewTokens = 4 }, Stages = new[] { stage } },
            },
        }));
        string run = dir.Combine("run");
        return (ForgeProcess.Run(["run", "--config", config, "--pipeline", "switch", "--output", run, .. settings.SelectMany(s => new[] { "--set", s })]), run);
    }

    private static bool Evaluated(string run)
    {
        var stage = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "summary.json"))).RootElement.GetProperty("stages")[0];
        bool inSummary = stage.TryGetProperty("eval", out var eval) && eval.ValueKind == JsonValueKind.Object;
        bool inMetrics = File.ReadLines(Path.Combine(run, "metrics.jsonl")).Any(l => l.Contains("\"eval/pass_at_1\"", StringComparison.Ordinal));
        bool file = File.Exists(Path.Combine(run, "eval", "sft.json"));
        (inSummary == inMetrics && inMetrics == file).Should().BeTrue($"summary {inSummary}, metrics {inMetrics}, eval/sft.json {file} agree");
        return file;
    }

    [Fact]
    public void The_pipelines_evaluation_applies_to_a_stage_without_its_own()
    {
        using var dir = new TempDirectory();
        var (result, run) = Run(dir, null);
        result.ExitCode.Should().Be(0, result.Error);
        Evaluated(run).Should().BeTrue();
    }

    [Fact]
    public void A_stage_eval_with_enabled_false_turns_the_pipelines_evaluation_off_for_it()
    {
        using var dir = new TempDirectory();
        var (result, run) = Run(dir, new { Enabled = false });
        result.ExitCode.Should().Be(0, result.Error);
        Evaluated(run).Should().BeFalse();
    }

    [Fact]
    public void Set_pipeline_eval_enabled_false_turns_evaluation_off()
    {
        using var dir = new TempDirectory();
        var (result, run) = Run(dir, null, "Pipelines:switch:Eval:Enabled=false");
        result.ExitCode.Should().Be(0, result.Error);
        Evaluated(run).Should().BeFalse();
    }
}
