using System.Text.Json;
using Forge.Host.Tests.Support;

namespace Forge.Host.Tests;

/// <summary>The configured r1-zero, r1 and distill pipelines, end to end on tiny settings.</summary>
public class PipelineTests
{
    private static (ForgeProcess.Result Result, JsonElement Summary) Run(TempDirectory dir, string pipeline, params string[] sets)
    {
        var args = new List<string> { "run", "--pipeline", pipeline, "--output", dir.Combine("run"), "--seed", "2" };
        foreach (string set in sets) args.AddRange(["--set", $"Pipelines:{pipeline}:{set}"]);
        var result = ForgeProcess.Run([.. args]);
        result.ExitCode.Should().Be(0, result.Error);
        return (result, JsonDocument.Parse(File.ReadAllText(dir.Combine("run", "summary.json"))).RootElement);
    }

    private static void EveryModelStageIsEvaluated(JsonElement summary, TempDirectory dir)
    {
        foreach (var stage in summary.GetProperty("stages").EnumerateArray())
        {
            string name = stage.GetProperty("name").GetString()!;
            if (stage.GetProperty("kind").GetString() == "rejection-sampling")
            {
                stage.TryGetProperty("eval", out _).Should().BeFalse($"{name} produced no model");
                continue;
            }
            var eval = stage.GetProperty("eval");
            eval.GetProperty("pass_at_1").GetDouble().Should().BeInRange(0, 1, name);
            eval.GetProperty("cons_at_k").GetDouble().Should().BeInRange(0, 1, name);
            eval.GetProperty("k").GetInt32().Should().BeGreaterThan(0, name);
            File.Exists(dir.Combine("run", "eval", name + ".json")).Should().BeTrue(name);
        }
    }

    private static string[] Kinds(JsonElement summary) =>
        summary.GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("kind").GetString()!).ToArray();

    [Fact]
    public void The_default_pipeline_is_r1_mini_cold_start_grpo_rejection_sampling_and_a_smaller_student()
    {
        using var dir = new TempDirectory();
        var result = ForgeProcess.Run(["run", "--output", dir.Combine("run"), "--seed", "1", .. ShortDefaultRun.Arguments()]);

        result.ExitCode.Should().Be(0, result.Error);
        var summary = JsonDocument.Parse(File.ReadAllText(dir.Combine("run", "summary.json"))).RootElement;
        summary.GetProperty("pipeline").GetString().Should().Be("r1-mini", "no --pipeline runs the default");
        summary.GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("name").GetString()).Should()
            .Equal("cold-start", "reasoning-rl", "rejection", "student");
        Kinds(summary).Should().Equal("sft", "rl", "rejection-sampling", "distill");
        EveryModelStageIsEvaluated(summary, dir);
        int Hidden(string stage) => JsonDocument.Parse(File.ReadAllText(dir.Combine("run", "checkpoints", stage, "config.json"))).RootElement.GetProperty("hidden_size").GetInt32();
        Hidden("student").Should().BeLessThan(Hidden("reasoning-rl"), "the student is the smaller model");
        File.ReadAllLines(dir.Combine("run", "data", "rejection.jsonl")).Should().NotBeEmpty();
        var rlRewards = File.ReadLines(dir.Combine("run", "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("stage").GetString() == "reasoning-rl" && e.TryGetProperty("reward/accuracy/mean", out _)).ToList();
        rlRewards.Should().HaveCount(3);
        rlRewards.Select(e => e.TryGetProperty("reward/format/mean", out var _)).Should().AllBeEquivalentTo(true, "GRPO on accuracy and format rewards");
        File.Exists(dir.Combine("run", "report.html")).Should().BeTrue();
        Directory.EnumerateFiles(dir.Combine("run", "tensorboard")).Should().NotBeEmpty();
    }

    [Fact]
    public void R1_runs_cold_start_rl_rejection_sampling_sft_and_rl_again()
    {
        using var dir = new TempDirectory();
        var (result, summary) = Run(dir, "r1", "Stages:0:MaxSteps=60", "Stages:1:Steps=2", "Stages:2:Prompts=24", "Stages:2:Thresholds:accuracy=0",
            "Stages:3:Epochs=1", "Stages:4:Steps=2", "Eval:Prompts=6", "Eval:K=2", "Eval:MaxNewTokens=40");

        summary.GetProperty("pipeline").GetString().Should().Be("r1");
        result.OutLines[0].Should().MatchRegex(@"^stage +kind +seconds +pass@1 +cons@k +headline$");
        var coldStart = summary.GetProperty("stages")[0].GetProperty("eval").GetProperty("pass_at_1").GetDouble();
        result.OutLines[1].Should().StartWith("cold-start").And.Contain(coldStart.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture));
        result.OutLines[3].Should().MatchRegex(@"^rejection +rejection-sampling +[0-9.]+ +- +- +kept \d+ of \d+ samples$");
        result.Error.Split('\n').Should().Contain(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\[3/5\] rejection  step 1/1  100%  .*kept \d+ of 96$"),
            "the display shows the samples kept while the stage runs");
        Kinds(summary).Should().Equal("sft", "rl", "rejection-sampling", "sft", "rl");
        EveryModelStageIsEvaluated(summary, dir);
        var kept = File.ReadAllLines(dir.Combine("run", "data", "rejection.jsonl"));
        kept.Should().NotBeEmpty();
        kept.Should().OnlyContain(l => JsonDocument.Parse(l).RootElement.GetProperty("rewards").GetProperty("format").GetDouble() >= 1.0);
        summary.GetProperty("stages")[3].GetProperty("metrics").GetProperty("traces").GetDouble().Should().Be(kept.Length);
        var rejection = summary.GetProperty("stages")[2].GetProperty("metrics");
        foreach (string reward in new[] { "accuracy", "format", "language-consistency" })
            rejection.GetProperty($"reward/{reward}/failed").GetDouble().Should().Be(0, "the rejection stage counts every reward's failures");
        foreach (string stage in new[] { "cold-start", "reasoning-rl", "sft", "all-scenario-rl" })
            File.Exists(dir.Combine("run", "checkpoints", stage, "model.safetensors")).Should().BeTrue(stage);
    }

    [Fact]
    public void R1_zero_runs_reinforcement_learning_straight_from_a_base_model()
    {
        using var dir = new TempDirectory();
        var (_, summary) = Run(dir, "r1-zero", $"Stages:0:Model={TinyReasoner.Folder}", $"Stages:0:Template={TinyReasoner.Template}",
            "Stages:0:Steps=2", "Stages:0:PromptsPerStep=4", "Stages:0:Generation:MaxNewTokens=40", "Stages:0:Training:LearningRate=0.001",
            "Eval:Prompts=6", "Eval:K=2", "Eval:MaxNewTokens=40");

        Kinds(summary).Should().Equal("rl");
        EveryModelStageIsEvaluated(summary, dir);
        var rows = File.ReadLines(dir.Combine("run", "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        rows.Count(r => r.TryGetProperty("reward/format/mean", out _)).Should().Be(2);
    }

    [Fact]
    public void Distill_writes_teacher_traces_trains_a_smaller_student_and_evaluates_it()
    {
        using var dir = new TempDirectory();
        var (_, summary) = Run(dir, "distill", $"Stages:0:Teacher={TinyReasoner.Folder}", $"Stages:1:Teacher={TinyReasoner.Folder}",
            "Stages:0:Prompts=24", "Stages:0:Thresholds:accuracy=0", "Stages:1:Epochs=1", "Eval:Prompts=6", "Eval:K=2",
            "Stages:2:Prompts=6", "Stages:2:K=2", "Stages:2:MaxNewTokens=40", "Eval:MaxNewTokens=40");

        Kinds(summary).Should().Equal("rejection-sampling", "distill", "eval");
        EveryModelStageIsEvaluated(summary, dir);
        var student = JsonDocument.Parse(File.ReadAllText(dir.Combine("run", "checkpoints", "student", "config.json"))).RootElement;
        var teacher = JsonDocument.Parse(File.ReadAllText(Path.Combine(TinyReasoner.Folder, "config.json"))).RootElement;
        student.GetProperty("hidden_size").GetInt32().Should().BeLessThan(teacher.GetProperty("hidden_size").GetInt32());
        File.ReadAllText(dir.Combine("run", "checkpoints", "student", "tokenizer.json"))
            .Should().Be(File.ReadAllText(Path.Combine(TinyReasoner.Folder, "tokenizer.json")), "a new student takes its teacher's tokenizer");
    }

    [Fact]
    public void Kd_distills_from_teacher_logits_with_an_on_policy_share()
    {
        using var dir = new TempDirectory();
        var (_, _) = Run(dir, "distill", $"Stages:0:Teacher={TinyReasoner.Folder}", $"Stages:1:Teacher={TinyReasoner.Folder}",
            "Stages:0:Prompts=24", "Stages:0:Thresholds:accuracy=0", "Stages:1:Distiller=kd", "Stages:1:OnPolicyShare=0.5",
            "Stages:1:Epochs=4", "Stages:1:BatchSize=8", "Stages:1:Generation:MaxNewTokens=40", "Eval:Enabled=false", "Stages:2:Prompts=4", "Stages:2:K=1",
            "Stages:2:MaxNewTokens=20");

        var steps = File.ReadLines(dir.Combine("run", "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(r => r.GetProperty("stage").GetString() == "student").ToList();
        steps.Should().Contain(r => r.GetProperty("on_policy").GetDouble() == 1).And.Contain(r => r.GetProperty("on_policy").GetDouble() == 0);
        steps.Select(r => r.GetProperty("teacher_agreement").GetDouble()).Should().OnlyContain(a => a >= 0 && a <= 1);
        double first = steps.Take(3).Average(r => r.GetProperty("loss").GetDouble()), last = steps.TakeLast(3).Average(r => r.GetProperty("loss").GetDouble());
        last.Should().BeLessThan(first);
    }

    [Fact]
    public void Kd_refuses_a_student_whose_tokenizer_differs_from_the_teachers()
    {
        using var dir = new TempDirectory();
        var result = ForgeProcess.Run("run", "--pipeline", "distill", "--output", dir.Combine("run"),
            "--set", $"Pipelines:distill:Stages:0:Teacher={TinyReasoner.Folder}", "--set", $"Pipelines:distill:Stages:1:Teacher={TinyReasoner.Folder}",
            "--set", "Pipelines:distill:Stages:0:Prompts=8", "--set", "Pipelines:distill:Stages:0:Thresholds:accuracy=0",
            "--set", "Pipelines:distill:Stages:1:Distiller=kd", "--set", $"Pipelines:distill:Stages:1:Tokenizer={Path.Combine(AppContext.BaseDirectory, "TestData", "tokenizers", "fixture")}",
            "--set", "Pipelines:distill:Eval:Enabled=false");

        result.ExitCode.Should().Be(2);
        result.ErrorText.Trim().Should().StartWith("error: Pipelines:distill:Stages:1:Teacher: the teacher's tokenizer").And.Contain("shared tokenizer");
    }
}
