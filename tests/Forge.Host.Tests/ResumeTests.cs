using System.Text.Json;
using System.Text.Json.Nodes;
using Forge.Host.Tests.Support;

namespace Forge.Host.Tests;

/// <summary>
/// Step checkpoints and <c>forge run --resume</c> with real processes: killed with SIGKILL mid-RL, the resumed run
/// writes the same metrics and the same final weights as a run never interrupted; stopped with SIGTERM, it exits 143
/// at a step boundary with a checkpoint and resumes to the end.
/// </summary>
[Collection(SeededRuns.Name)]
public class ResumeTests
{
    // Wall-clock and throughput metrics differ between any two runs.
    private static readonly HashSet<string> Timing = ["time", "time/step_s", "generation/tokens_per_s", "training/tokens_per_s"];

    /// <summary>Wall-clock and collector figures, which differ between any two runs.</summary>
    private static bool IsTiming(string key) => Timing.Contains(key) || key.StartsWith("time/", StringComparison.Ordinal) || key.StartsWith("gc/", StringComparison.Ordinal);

    /// <summary>
    /// SFT then PPO (value head, KL to the reference): every kind of state a checkpoint must carry; both stages evaluated
    /// every few steps as well (EvalEvery).
    /// </summary>
    private static string Config(TempDirectory dir, string traces, int checkpointEvery)
    {
        var config = JsonSerializer.SerializeToNode(LearningTests.Config(traces, "ppo", rlSteps: 60))!;
        config["Optimizers"]!["ppo"]!["KlCoef"] = 0.05;
        var stages = config["Pipelines"]!["learn"]!["Stages"]!;
        stages[0]!["MaxSteps"] = 60;
        stages[1]!["PromptsPerStep"] = 8;
        stages[1]!["CompletionsPerPrompt"] = 4;
        stages[1]!["Generation"]!["MaxNewTokens"] = 10;
        foreach (var stage in stages.AsArray()) stage!["CheckpointEvery"] = checkpointEvery;
        // Held-out evaluations every few steps (at every RL checkpoint) must come out the same in the resumed run.
        stages[0]!["EvalEvery"] = 20;
        stages[1]!["EvalEvery"] = 3;
        config["Pipelines"]!["learn"]!["Eval"] = JsonSerializer.SerializeToNode(new { PromptSource = "arithmetic", Prompts = 4, K = 2, MaxNewTokens = 10 });
        return dir.Write($"every{checkpointEvery}.json", config.ToJsonString());
    }

    private static List<JsonElement> Metrics(string run) =>
        File.ReadLines(Path.Combine(run, "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();

    [Fact]
    public void A_run_killed_mid_rl_resumes_to_the_same_metrics_and_final_weights()
    {
        using var dir = new TempDirectory();
        string traces = LearningTests.Traces(dir, 100, 1);
        string plain = Config(dir, traces, 0), every3 = Config(dir, traces, 3);
        string a = dir.Combine("a"), b = dir.Combine("b");

        var uninterrupted = ForgeChild.Run("run", "--config", plain, "--pipeline", "learn", "--output", a, "--seed", "5");
        uninterrupted.ExitCode.Should().Be(0, uninterrupted.Error);

        string latest = Path.Combine(b, "checkpoints", "rl", "latest");
        using (var child = ForgeChild.Start("run", "--config", every3, "--pipeline", "learn", "--output", b, "--seed", "5"))
        {
            child.WaitUntil(() => File.Exists(latest), "the first RL step checkpoint");
            child.Kill();
            child.WaitForExit().ExitCode.Should().NotBe(0, "the run was killed before it could finish");
        }
        int resumedFrom = int.Parse(File.ReadAllText(latest).Trim()["step-".Length..]);
        resumedFrom.Should().BeInRange(3, 57);

        // No --pipeline or --seed: both come from the run folder.
        var resumed = ForgeChild.Run("run", "--config", every3, "--output", b, "--resume");
        resumed.ExitCode.Should().Be(0, resumed.Error);

        var expected = Metrics(a);
        var actual = Metrics(b);
        expected.Where(r => r.TryGetProperty("eval/pass_at_1", out _)).Select(r => (r.GetProperty("stage").GetString(), r.GetProperty("step").GetInt32()))
            .Should().Equal([("sft", 20), ("sft", 40), ("sft", 60), .. Enumerable.Range(1, 20).Select(i => ("rl", 3 * i))], "every EvalEvery steps and at the end, once each");
        actual.Select(r => (r.GetProperty("stage").GetString(), r.GetProperty("step").GetInt32()))
            .Should().Equal(expected.Select(r => (r.GetProperty("stage").GetString(), r.GetProperty("step").GetInt32())), "no step is missing or repeated");
        expected.Where(r => r.GetProperty("stage").GetString() == "rl" && r.TryGetProperty("reward/mean", out _)).Max(r => r.GetProperty("reward/mean").GetDouble())
            .Should().BeGreaterThan(0, "a run that never earns a reward would not show whether the resumed updates match");
        for (int i = 0; i < expected.Count; i++)
        {
            var want = expected[i].EnumerateObject().Where(p => !IsTiming(p.Name)).ToList();
            foreach (var property in want)
            {
                var got = actual[i].GetProperty(property.Name);
                if (property.Value.ValueKind == JsonValueKind.Number)
                    got.GetDouble().Should().BeApproximately(property.Value.GetDouble(), 1e-6, $"{property.Name} of {expected[i]}");
                else
                    got.ToString().Should().Be(property.Value.ToString(), $"{property.Name} of {expected[i]}");
            }
        }
        File.ReadAllBytes(Path.Combine(b, "checkpoints", "rl", "model.safetensors"))
            .Should().Equal(File.ReadAllBytes(Path.Combine(a, "checkpoints", "rl", "model.safetensors")), "the final weights are bit for bit those of the uninterrupted run");
        JsonDocument.Parse(File.ReadAllText(Path.Combine(b, "summary.json"))).RootElement.GetProperty("stages")
            .EnumerateArray().Select(s => s.GetProperty("name").GetString()).Should().Equal("sft", "rl");
    }

    private static string LongRl(TempDirectory dir, int steps) => dir.Write("long.json", JsonSerializer.Serialize(new
    {
        PromptSources = new { arithmetic = new { MaxOperands = 2, MaxNumber = 4, AllowMultiplication = false } },
        Pipelines = new Dictionary<string, object>
        {
            ["long"] = new
            {
                Stages = new object[]
                {
                    new
                    {
                        Name = "rl", Kind = "rl", PromptSource = "arithmetic", Optimizer = "grpo", Rewards = new { accuracy = 1.0 },
                        NewModel = new { hidden_size = 32, intermediate_size = 64, num_hidden_layers = 1, num_attention_heads = 2, num_key_value_heads = 1, max_position_embeddings = 64, tie_word_embeddings = true },
                        Steps = steps, PromptsPerStep = 4, CompletionsPerPrompt = 4, Generation = new { MaxNewTokens = 8 },
                        Training = new { LearningRate = 1e-3, MicroBatchSize = 16 },
                    },
                },
            },
        },
    }));

    [Fact]
    public void Sigterm_stops_at_a_step_boundary_with_a_checkpoint_and_resume_finishes_the_run()
    {
        using var dir = new TempDirectory();
        string config = LongRl(dir, 100), run = dir.Combine("run"), metrics = Path.Combine(run, "metrics.jsonl");

        ForgeProcess.Result stopped;
        using (var child = ForgeChild.Start("run", "--config", config, "--pipeline", "long", "--output", run))
        {
            child.WaitUntil(() => File.Exists(metrics) && new FileInfo(metrics).Length > 0, "the first metrics line");
            child.Terminate();
            stopped = child.WaitForExit();
        }

        stopped.ExitCode.Should().Be(143, stopped.Error);
        string last = stopped.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        last.Should().StartWith($"interrupted by SIGTERM: stage 'rl' stopped; checkpoint: {Path.Combine(run, "checkpoints", "rl", "step-")}")
            .And.EndWith($"; resume with: forge run --config {config} --pipeline long --output {run} --resume");
        string step = File.ReadAllText(Path.Combine(run, "checkpoints", "rl", "latest")).Trim();
        string checkpoint = Path.Combine(run, "checkpoints", "rl", step);
        last.Should().Contain(checkpoint + ";");
        foreach (string file in new[] { "config.json", "model.safetensors", "tokenizer.json", "trainer.safetensors", "progress.json" })
            File.Exists(Path.Combine(checkpoint, file)).Should().BeTrue(file);
        int completed = int.Parse(step["step-".Length..]);
        completed.Should().BeInRange(1, 99);
        File.ReadLines(metrics).Should().HaveCount(completed, "the stop came at the boundary after the last recorded step");

        var resumed = ForgeChild.Run("run", "--config", config, "--output", run, "--resume");

        resumed.ExitCode.Should().Be(0, resumed.Error);
        Metrics(run).Select(r => r.GetProperty("step").GetInt32()).Should().Equal(Enumerable.Range(0, 100));
        File.Exists(Path.Combine(run, "checkpoints", "rl", "model.safetensors")).Should().BeTrue();
    }

    [Fact]
    public void Resume_of_a_run_without_a_checkpoint_runs_its_stage_from_the_start()
    {
        using var dir = new TempDirectory();
        string config = LongRl(dir, 3), run = dir.Combine("run");
        // Interrupted before its first checkpoint (and from before config.json, which the resume then writes).
        dir.Write("run/summary.json", """{"pipeline":"long","seed":0,"stages":[]}""");

        var result = ForgeProcess.Run("run", "--config", config, "--pipeline", "long", "--output", run, "--resume");

        result.ExitCode.Should().Be(0, result.Error);
        Metrics(run).Select(r => r.GetProperty("step").GetInt32()).Should().Equal(0, 1, 2);
        Directory.Exists(Path.Combine(run, "checkpoints", "rl", "step-3")).Should().BeFalse("CheckpointEvery is 0: only a stop writes one");
    }

    [Fact]
    public void Resume_of_a_folder_of_another_pipeline_is_refused()
    {
        using var dir = new TempDirectory();
        string config = LongRl(dir, 3);
        string summary = dir.Write("run/summary.json", """{"pipeline":"other","seed":0,"stages":[]}""");

        var result = ForgeProcess.Run("run", "--config", config, "--pipeline", "long", "--output", dir.Combine("run"), "--resume");

        result.ExitCode.Should().Be(2);
        result.Error.Trim().Should().Be($"error: {summary}: the run folder holds pipeline 'other', not 'long'");
    }

    [Fact]
    public void Resume_with_another_seed_or_without_output_is_refused()
    {
        using var dir = new TempDirectory();
        string summary = dir.Write("run/summary.json", """{"pipeline":"long","seed":4,"stages":[]}""");

        ForgeProcess.Run("run", "--config", LongRl(dir, 3), "--output", dir.Combine("run"), "--resume", "--seed", "5")
            .Error.Trim().Should().Be($"error: {summary}: the run has seed 4, not 5");
        ForgeProcess.Run("run", "--resume").Error.Trim().Should().Be("error: --resume needs --output DIR, the run folder to continue");
    }
}
