using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Forge.Host.Runs;
using Forge.Host.Tests.Support;

namespace Forge.Host.Tests;

/// <summary>
/// The run folder fails closed: one <c>forge run</c> at a time (an OS lock; the second is told the holder's pid), a new
/// run never writes into a folder that holds a run (<c>--overwrite</c> deletes that run's files, and only those), a
/// resume needs a run to resume and the configuration it ran with (<c>--allow-config-change</c> otherwise), and every
/// refusal is one line, exit 2, with the folder exactly as it was.
/// </summary>
public class RunFolderTests
{
    private static ForgeProcess.Result Tiny(string config, string run, params string[] more) =>
        ForgeProcess.Run(["run", "--config", config, "--pipeline", TinySft.Pipeline, "--output", run, "--set", "Pipelines:tiny:Stages:0:MaxSteps=2", .. more]);

    /// <summary>
    /// Every file under <paramref name="folder"/> with its bytes, to show that nothing changed; but <c>run.lock</c>,
    /// which a run that took the folder leaves behind (empty, and unreadable while held).
    /// </summary>
    private static Dictionary<string, string> Snapshot(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != RunFolderLock.FileName)
            .ToDictionary(f => Path.GetRelativePath(folder, f), f => Convert.ToBase64String(File.ReadAllBytes(f)));

    private static void RefusedWithOneLine(ForgeProcess.Result result, string line)
    {
        result.ExitCode.Should().Be(2, result.Error);
        result.Error.Trim().Should().Be(line);
    }

    private static List<int> Steps(string run) =>
        File.ReadLines(Path.Combine(run, "metrics.jsonl")).Select(l => JsonNode.Parse(l)!["step"]!.GetValue<int>()).ToList();

    [Fact]
    public void Resume_of_a_folder_without_summary_json_is_refused_and_its_checkpoints_are_kept()
    {
        using var dir = new TempDirectory();
        string config = TinySft.Config(dir), run = dir.Combine("run");
        // What an interrupted run leaves, but summary.json: before, --resume ran the pipeline afresh and the stage
        // starting over deleted these checkpoints.
        dir.Write("run/checkpoints/sft/step-2/progress.json", "{}");
        dir.Write("run/checkpoints/sft/step-2/model.safetensors", "weights");
        dir.Write("run/checkpoints/sft/latest", "step-2\n");
        dir.Write("run/metrics.jsonl", """{"stage":"sft","step":0,"loss":1}""" + "\n");
        var before = Snapshot(run);

        RefusedWithOneLine(Tiny(config, run, "--resume"),
            $"error: {run}: no summary.json, so no run to resume; nothing was changed (start a new run without --resume)");
        Snapshot(run).Should().Equal(before);

        string missing = dir.Combine("missing");
        RefusedWithOneLine(Tiny(config, missing, "--resume"), $"error: {missing}: no such run folder; nothing to resume");
        Directory.Exists(missing).Should().BeFalse();
    }

    [Fact]
    public void A_new_run_into_a_folder_holding_a_run_is_refused_and_appends_nothing()
    {
        using var dir = new TempDirectory();
        string config = TinySft.Config(dir), run = dir.Combine("run");
        Tiny(config, run).ExitCode.Should().Be(0);
        var before = Snapshot(run);

        RefusedWithOneLine(Tiny(config, run),
            $"error: {run}: holds a run already (config.json); continue it with --resume, or start it again with --overwrite (which deletes the run's files)");
        Snapshot(run).Should().Equal(before);
        Steps(run).Should().Equal(0, 1);
    }

    [Fact]
    public void Overwrite_deletes_the_run_and_nothing_else_then_runs_again()
    {
        using var dir = new TempDirectory();
        string config = TinySft.Config(dir), run = dir.Combine("run");
        string mine = dir.Write("run/notes.txt", "mine"), inputs = dir.Write("run/data/inputs.jsonl", "{}\n");
        Tiny(config, run).ExitCode.Should().Be(0);
        dir.Write("run/eval/sft.json", "{}"); // as if the stage had evaluated

        var result = Tiny(config, run, "--overwrite");

        result.ExitCode.Should().Be(0, result.Error);
        Steps(run).Should().Equal([0, 1], "the old run's lines are gone, not appended to");
        File.Exists(Path.Combine(run, "eval", "sft.json")).Should().BeFalse("the old run's evaluation went with it");
        File.ReadAllText(mine).Should().Be("mine");
        File.ReadAllText(inputs).Should().Be("{}\n");
        JsonNode.Parse(File.ReadAllText(Path.Combine(run, "config.json")))!["Run"]!["CommandLine"]!.GetValue<string>().Should().EndWith("--overwrite");

        // Again, now that the run has no eval/ folder at all.
        var again = Tiny(config, run, "--overwrite");
        again.ExitCode.Should().Be(0, again.Error);
        Steps(run).Should().Equal(0, 1);
    }

    [Fact]
    public void Overwrite_with_a_mistake_in_the_configuration_deletes_nothing()
    {
        using var dir = new TempDirectory();
        string config = TinySft.Config(dir), run = dir.Combine("run");
        Tiny(config, run).ExitCode.Should().Be(0);
        var before = Snapshot(run);

        var result = Tiny(config, run, "--overwrite", "--set", "Pipelines:tiny:Stages:0:BatchSize=many");

        result.ExitCode.Should().Be(2);
        result.Error.Trim().Should().StartWith("error: Pipelines:tiny:Stages:0:BatchSize: 'many'");
        Snapshot(run).Should().Equal(before);
    }

    [Fact]
    public void Overwrite_refuses_a_checkpoint_of_no_stage_of_the_run_and_deletes_nothing()
    {
        using var dir = new TempDirectory();
        string config = TinySft.Config(dir), run = dir.Combine("run");
        Tiny(config, run).ExitCode.Should().Be(0);
        string stranger = dir.Write("run/checkpoints/base-model/model.safetensors", "someone's");
        var before = Snapshot(run);

        RefusedWithOneLine(Tiny(config, run, "--overwrite"),
            $"error: {Path.GetDirectoryName(stranger)}: not of a stage of the run in this folder (config.json and summary.json name stages sft); --overwrite deletes only the run's own files: move it away first");
        Snapshot(run).Should().Equal(before);
    }

    [Fact]
    public void A_folder_in_use_is_refused_naming_the_pid_that_holds_it_and_is_free_again_after()
    {
        using var dir = new TempDirectory();
        string config = TinySft.Config(dir), run = dir.Combine("run");
        var since = new Regex(@" \(since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d\d:\d\d\)$");

        using (RunFolderLock.Acquire(run))
        {
            // The same process opening the lock file again is excluded as another process is.
            foreach (var result in new[] { Tiny(config, run), Tiny(config, run, "--resume"), Tiny(config, run, "--overwrite") })
            {
                result.ExitCode.Should().Be(2, result.Error);
                result.Error.Trim().Should().StartWith($"error: {run}: in use by forge pid {Environment.ProcessId} (since ").And.MatchRegex(since.ToString());
            }
            Snapshot(run).Keys.Should().BeEquivalentTo([RunFolderLock.HolderFileName], "nothing was written but the lock's");
        }
        File.Exists(Path.Combine(run, RunFolderLock.HolderFileName)).Should().BeFalse("the holder's pid goes when it lets go");

        var free = Tiny(config, run);
        free.ExitCode.Should().Be(0, free.Error);
        File.Exists(Path.Combine(run, RunFolderLock.HolderFileName)).Should().BeFalse("released when the run ends");
    }

    [Fact]
    public void A_run_holds_its_folder_against_another_process_until_it_dies()
    {
        using var dir = new TempDirectory();
        string config = TinySft.Config(dir), run = dir.Combine("run");

        using (var child = ForgeChild.Start("run", "--config", config, "--pipeline", TinySft.Pipeline, "--output", run,
                   "--set", "Pipelines:tiny:Stages:0:MaxSteps=1000000"))
        {
            child.WaitUntil(() => File.Exists(Path.Combine(run, "metrics.jsonl")) && new FileInfo(Path.Combine(run, "metrics.jsonl")).Length > 0, "the first step");
            var refused = Tiny(config, run);
            refused.ExitCode.Should().Be(2, refused.Error);
            refused.Error.Trim().Should().StartWith($"error: {run}: in use by forge pid {child.Id} (since ");
            child.Kill();
            child.WaitForExit();
        }

        // Killed, the run left run.lock and run.pid behind, but the OS let go of the lock.
        File.Exists(Path.Combine(run, RunFolderLock.FileName)).Should().BeTrue();
        using var again = RunFolderLock.Acquire(run);
    }

    [Fact]
    public void Resume_with_a_changed_optimizer_or_batch_shape_is_refused_naming_the_key()
    {
        using var dir = new TempDirectory();
        string config = Rl(dir), run = dir.Combine("run"), recorded = Path.Combine(run, "config.json");
        var first = ForgeProcess.Run("run", "--config", config, "--pipeline", "rl", "--output", run);
        first.ExitCode.Should().Be(0, first.Error);
        var before = Snapshot(run);

        string Refusal(string change) => $"error: {recorded}: {change}; resuming would not continue the same run (--allow-config-change resumes anyway)";
        RefusedWithOneLine(ForgeProcess.Run("run", "--config", config, "--output", run, "--resume", "--set", "Optimizers:grpo:Beta=0.5"),
            Refusal("Optimizers:grpo:Beta was 0.04, now 0.5"));
        RefusedWithOneLine(ForgeProcess.Run("run", "--config", config, "--output", run, "--resume", "--set", "Pipelines:rl:Stages:0:PromptsPerStep=2"),
            Refusal("Pipelines:rl:Stages:0:PromptsPerStep was 4, now 2"));
        RefusedWithOneLine(ForgeProcess.Run("run", "--config", config, "--output", run, "--resume", "--set", "Pipelines:rl:Stages:0:Training:MicroBatchSize=8"),
            Refusal("Pipelines:rl:Stages:0:Training:MicroBatchSize was 16, now 8"));
        Snapshot(run).Should().Equal(before);

        // When checkpoints are written does not change the continuation.
        var checkpointing = ForgeProcess.Run("run", "--config", config, "--output", run, "--resume", "--set", "Pipelines:rl:Stages:0:CheckpointEvery=1");
        checkpointing.ExitCode.Should().Be(0, checkpointing.Error);
        Snapshot(run)["config.json"].Should().Be(before["config.json"], "config.json still records the run as it started");
    }

    [Fact]
    public void Allow_config_change_resumes_with_a_warning_and_config_json_records_the_change()
    {
        using var dir = new TempDirectory();
        string config = TinySft.Config(dir), run = dir.Combine("run"), recorded = Path.Combine(run, "config.json");
        Tiny(config, run).ExitCode.Should().Be(0);

        var result = ForgeProcess.Run("run", "--config", config, "--output", run, "--resume", "--allow-config-change",
            "--set", "Pipelines:tiny:Stages:0:MaxSteps=3", "--set", "Pipelines:tiny:Stages:0:Training:LearningRate=0.01");

        result.ExitCode.Should().Be(0, result.Error);
        result.Error.Split('\n').Where(l => l.StartsWith("warning:", StringComparison.Ordinal)).Should().Equal(
            $"warning: {recorded}: resuming with a changed configuration: Pipelines:tiny:Stages:0:MaxSteps (2 -> 3), Pipelines:tiny:Stages:0:Training:LearningRate (0.003 -> 0.01); config.json now records it");
        var stage = JsonNode.Parse(File.ReadAllText(recorded))!["Pipelines"]!["tiny"]!["Stages"]![0]!;
        stage["MaxSteps"]!.GetValue<int>().Should().Be(3);
        ForgeProcess.Run("run", "--config", config, "--output", run, "--resume", "--set", "Pipelines:tiny:Stages:0:MaxSteps=2").ExitCode
            .Should().Be(2, "the configuration recorded now is the changed one");
        ForgeProcess.Run("run", "--config", config, "--pipeline", TinySft.Pipeline, "--allow-config-change").Error.Trim()
            .Should().Be("error: --allow-config-change goes with --resume");
        ForgeProcess.Run("run", "--config", config, "--output", run, "--resume", "--overwrite").Error.Trim()
            .Should().Be("error: --resume and --overwrite exclude each other: one continues the run in --output, the other starts it again");
    }

    [Fact]
    public void A_folder_without_config_json_resumes_with_a_warning_and_gets_one()
    {
        using var dir = new TempDirectory();
        string config = TinySft.Config(dir), run = dir.Combine("run"), recorded = Path.Combine(run, "config.json");
        Tiny(config, run).ExitCode.Should().Be(0);
        File.Delete(recorded); // a run from before config.json

        var result = Tiny(config, run, "--resume");

        result.ExitCode.Should().Be(0, result.Error);
        result.Error.Trim().Should().Be(
            $"warning: {recorded}: not in this run folder (a run from before Forge wrote one): resuming without comparing the configuration, which it now records");
        JsonNode.Parse(File.ReadAllText(recorded))!["Pipelines"]!["tiny"]!["Stages"]![0]!["MaxSteps"]!.GetValue<int>().Should().Be(2);
    }

    [Fact]
    public void A_resume_refuses_to_delete_step_checkpoints_of_a_stage_it_would_start_over()
    {
        using var dir = new TempDirectory();
        string traces = TinySft.Traces(dir, "traces.jsonl"), run = dir.Combine("run");
        string config = dir.Write("two.json", JsonSerializer.Serialize(new
        {
            Pipelines = new Dictionary<string, object>
            {
                ["two"] = new
                {
                    Stages = new object[]
                    {
                        new
                        {
                            Name = "first", Kind = "sft", Data = traces, MaxSteps = 2, BatchSize = 4,
                            NewModel = new { hidden_size = 16, intermediate_size = 32, num_hidden_layers = 1, num_attention_heads = 2, num_key_value_heads = 1, max_position_embeddings = 64 },
                        },
                        new { Name = "second", Kind = "sft", Data = traces, Model = "checkpoints/first", MaxSteps = 2, BatchSize = 4 },
                    },
                },
            },
        }));
        // A folder whose summary.json says no stage finished (the first was interrupted), yet the second stage has a
        // step checkpoint: not this run's, since a stage after the interrupted one never ran. Resuming reruns the
        // second stage from its start, which clears its step checkpoints.
        dir.Write("run/summary.json", """{"pipeline":"two","seed":0,"stages":[]}""");
        dir.Write("run/checkpoints/second/step-1/progress.json", "{}");
        dir.Write("run/checkpoints/second/latest", "step-1\n");
        var before = Snapshot(run);

        var result = ForgeProcess.Run("run", "--config", config, "--output", run, "--resume");

        result.ExitCode.Should().Be(2, result.Error);
        result.Error.Trim().Should().Be(
            $"error: {Path.Combine(run, "checkpoints", "second", "step-1")}: a step checkpoint this run did not write; stage 'second' starts over here and would delete it (move {Path.Combine(run, "checkpoints", "second")} away first)");
        Snapshot(run).Should().Equal(before);
    }

    /// <summary>A one-stage GRPO pipeline <c>rl</c> of two steps on a tiny new model.</summary>
    private static string Rl(TempDirectory dir) => dir.Write("rl.json", JsonSerializer.Serialize(new
    {
        PromptSources = new { arithmetic = new { MaxOperands = 2, MaxNumber = 4, AllowMultiplication = false } },
        Optimizers = new { grpo = new { Beta = 0.04 } },
        Pipelines = new Dictionary<string, object>
        {
            ["rl"] = new
            {
                Stages = new object[]
                {
                    new
                    {
                        Name = "rl", Kind = "rl", PromptSource = "arithmetic", Optimizer = "grpo", Rewards = new { accuracy = 1.0 },
                        NewModel = new { hidden_size = 16, intermediate_size = 32, num_hidden_layers = 1, num_attention_heads = 2, num_key_value_heads = 1, max_position_embeddings = 64, tie_word_embeddings = true },
                        Steps = 2, PromptsPerStep = 4, CompletionsPerPrompt = 4, Generation = new { MaxNewTokens = 8 },
                        Training = new { LearningRate = 1e-3, MicroBatchSize = 16 },
                    },
                },
            },
        },
    }));
}
