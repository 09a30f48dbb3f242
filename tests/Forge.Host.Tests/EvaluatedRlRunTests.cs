using System.Text;
using System.Text.Json;
using Forge.Host.Tests.Support;

namespace Forge.Host.Tests;

/// <summary>
/// One tiny SFT → RL run whose RL stage is evaluated on held-out prompts and rewarded by <c>my-reward</c> (an instance
/// of <c>accuracy</c> under a name no built-in plugin has) and <c>format</c>.
/// </summary>
public sealed class EvaluatedRlRun : IDisposable
{
    private readonly TempDirectory _dir = new();

    public EvaluatedRlRun()
    {
        string traces = LearningTests.Traces(_dir, 32, 1);
        string config = _dir.Write("forge.json", JsonSerializer.Serialize(new
        {
            Rewards = new Dictionary<string, object> { ["my-reward"] = new { Plugin = "accuracy" } },
            PromptSources = new { arithmetic = new { MaxOperands = 2, MaxNumber = 4, AllowMultiplication = false } },
            Pipelines = new Dictionary<string, object>
            {
                ["evaluated"] = new
                {
                    Stages = new object[]
                    {
                        new
                        {
                            Name = "sft", Kind = "sft", Data = traces, MaxSteps = 4, BatchSize = 8, EvalEvery = 2,
                            Eval = new { PromptSource = "arithmetic", Prompts = 6, K = 2, MaxNewTokens = 8 },
                            NewModel = new { hidden_size = 16, intermediate_size = 32, num_hidden_layers = 1, num_attention_heads = 2, num_key_value_heads = 1, max_position_embeddings = 64 },
                        },
                        new
                        {
                            Name = "rl", Kind = "rl", Model = "checkpoints/sft", PromptSource = "arithmetic",
                            Rewards = new Dictionary<string, double> { ["my-reward"] = 1.0, ["format"] = 0.5 },
                            Steps = 3, PromptsPerStep = 2, CompletionsPerPrompt = 2, Generation = new { MaxNewTokens = 8 },
                            Eval = new { Prompts = 6, K = 2, MaxNewTokens = 8 }, EvalEvery = 1,
                        },
                    },
                },
            },
        }));
        Result = ForgeProcess.Run("run", "--config", config, "--pipeline", "evaluated", "--output", Folder, "--seed", "3");
    }

    internal ForgeProcess.Result Result { get; }

    public string Folder => _dir.Combine("run");

    public void Dispose() => _dir.Dispose();
}

public class EvaluatedRlRunTests(EvaluatedRlRun run) : IClassFixture<EvaluatedRlRun>
{
    private List<JsonElement> RlRecords()
    {
        run.Result.ExitCode.Should().Be(0, run.Result.Error);
        return File.ReadLines(Path.Combine(run.Folder, "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("stage").GetString() == "rl").ToList();
    }

    [Fact]
    public void The_rl_stages_held_out_pass_at_1_is_in_metrics_jsonl_as_in_the_summary()
    {
        var records = RlRecords();
        var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(run.Folder, "summary.json"))).RootElement.GetProperty("stages")[1];
        var eval = summary.GetProperty("eval");

        var evaluated = records.Where(r => r.TryGetProperty("eval/pass_at_1", out _)).Last();
        evaluated.GetProperty("eval/pass_at_1").GetDouble().Should().Be(eval.GetProperty("pass_at_1").GetDouble());
        evaluated.GetProperty("eval/cons_at_k").GetDouble().Should().Be(eval.GetProperty("cons_at_k").GetDouble());
        evaluated.GetProperty("step").GetInt32().Should().Be(3, "the last record follows the last of the 3 steps");
    }

    [Fact]
    public void With_eval_every_n_each_training_stage_records_its_evaluation_after_steps_n_2n_and_at_the_end_once_each()
    {
        run.Result.ExitCode.Should().Be(0, run.Result.Error);
        var evaluations = File.ReadLines(Path.Combine(run.Folder, "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(r => r.TryGetProperty("eval/pass_at_1", out _) && r.TryGetProperty("eval/cons_at_k", out _)).ToList();
        evaluations.Select(r => (r.GetProperty("stage").GetString(), r.GetProperty("step").GetInt32()))
            .Should().Equal(("sft", 2), ("sft", 4), ("rl", 1), ("rl", 2), ("rl", 3));

        string html = File.ReadAllText(Path.Combine(run.Folder, "report.html"));
        html[html.IndexOf("id=\"stage-rl\"", StringComparison.Ordinal)..].Should().Contain("aria-label=\"held-out pass@1\"", "the curve of the periodic evaluations");
        run.Result.Error.Split('\n').Should().Contain(l => l.StartsWith("[2/2] rl  eval after step 2/3  pass@1 ", StringComparison.Ordinal));
    }

    [Fact]
    public void Each_training_stage_collects_its_setup_garbage_before_its_first_step_and_records_the_pause_there_only()
    {
        run.Result.ExitCode.Should().Be(0, run.Result.Error);
        var records = File.ReadLines(Path.Combine(run.Folder, "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        foreach (string stage in new[] { "sft", "rl" })
        {
            var withPause = records.Where(r => r.GetProperty("stage").GetString() == stage && r.TryGetProperty("gc/setup_pause_ms", out _)).ToList();
            withPause.Should().ContainSingle($"{stage}: only its first step says what the setup collection paused");
            withPause[0].GetProperty("step").GetInt32().Should().Be(0);
            withPause[0].GetProperty("gc/setup_pause_ms").GetDouble().Should().BePositive("a blocking full collection stops the threads");
        }
    }

    [Fact]
    public void The_rl_stages_held_out_pass_at_1_is_a_tensorboard_scalar()
    {
        RlRecords();
        byte[] tag = Encoding.UTF8.GetBytes("rl/eval/pass_at_1");
        Directory.EnumerateFiles(Path.Combine(run.Folder, "tensorboard")).Where(file => File.ReadAllBytes(file).AsSpan().IndexOf(tag) >= 0)
            .Should().NotBeEmpty("an event file carries the tag");
    }

    [Fact]
    public void Every_reward_the_stage_used_has_its_curve_in_the_report_and_its_mean_in_the_progress_lines()
    {
        var rewarded = RlRecords().Where(r => r.TryGetProperty("reward/mean", out _)).ToList();
        rewarded.Should().HaveCount(3);
        var named = rewarded[0].EnumerateObject().Select(p => p.Name)
            .Where(k => k.StartsWith("reward/", StringComparison.Ordinal) && k.EndsWith("/mean", StringComparison.Ordinal) && k != "reward/mean")
            .Select(k => k["reward/".Length..^"/mean".Length]).ToList();
        named.Should().BeEquivalentTo(["my-reward", "format"]);

        string html = File.ReadAllText(Path.Combine(run.Folder, "report.html"));
        string rl = html[html.IndexOf("id=\"stage-rl\"", StringComparison.Ordinal)..];
        System.Text.RegularExpressions.Regex.Matches(rl, "aria-label=\"([^\"]+)\"").Select(m => m.Groups[1].Value)
            .Should().StartWith(["reward", .. named], "the reward, then each reward in the order the records name them");

        var steps = run.Result.Error.Split('\n').Where(l => l.StartsWith("[2/2] rl  step ", StringComparison.Ordinal)).ToList();
        steps.Should().NotBeEmpty();
        steps.Should().AllSatisfy(l => l.Should().MatchRegex($@"  reward [-\d.]+  {named[0]} [\d.]+  {named[1]} [\d.]+$"));
    }
}
