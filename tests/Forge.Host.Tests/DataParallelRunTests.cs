using System.Text.Json;
using Forge.Core.Distributed;
using Forge.Host.Cli;
using Forge.Host.Hosting;
using Forge.Host.Tests.Support;

namespace Forge.Host.Tests;

/// <summary>
/// <c>forge run</c> with two ranks as threads of this process (an in-process world in place of NCCL): the same
/// pipeline as one rank with the same global batch gives the same metrics (within 1e-3), every rank ends with the same
/// weights (the stage's replica check), and only rank 0 writes the run folder.
/// </summary>
public sealed class DataParallelRunTests
{
    private static string Config(TempDirectory dir, int steps = 6, int checkpointEvery = 0)
    {
        // Completions of different lengths, so that each rank's share of a batch has its own token count.
        string traces = dir.Write("traces.jsonl", string.Join("\n", Enumerable.Range(0, 8).Select(i => JsonSerializer.Serialize(new
        {
            prompt = $"What is {i}+{i % 3}?", completion = $"<answer>{i + i % 3}</answer>" + string.Concat(Enumerable.Repeat(" so it is", i * 3)),
        }))) + "\n");
        var stage = new
        {
            Name = "sft", Kind = "sft", Data = traces, MaxSteps = steps, BatchSize = 4, Template = "{prompt}", CheckpointEvery = checkpointEvery,
            Model = ServeTestModel.Folder, Tokenizer = ServeTestModel.Tokenizer,
            Training = new { LearningRate = 1e-3, MicroBatchSize = 2 },
        };
        // The arithmetic task's 41 train prompts are two sampling batches of 32 and 9: one for each rank.
        var eval = new { PromptSource = "arithmetic", Split = "train", Prompts = 64, K = 2, MaxNewTokens = 6 };
        return dir.Write($"dp-{steps}.json", JsonSerializer.Serialize(new { Pipelines = new Dictionary<string, object> { ["dp"] = new { Eval = eval, Stages = new[] { stage } } } }));
    }

    /// <summary>Runs <paramref name="args"/> as <paramref name="ranks"/> in-process ranks; their results by rank.</summary>
    private static ForgeProcess.Result[] RunRanks(int ranks, params string[] args) => InProcessWorld.Run(ranks, communicator =>
    {
        var output = new StringWriter();
        var error = new StringWriter();
        using var signals = ShutdownSignals.None(error);
        int exit = ForgeCli.Run(args, output, error, signals, communicator);
        return new ForgeProcess.Result(exit, output.ToString(), error.ToString());
    });

    private static List<Dictionary<string, double>> TrainingRecords(string run) => File.ReadLines(Path.Combine(run, "metrics.jsonl"))
        .Select(l => JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(l)!)
        .Where(r => r.ContainsKey("loss"))
        .Select(r => r.Where(p => p.Value.ValueKind == JsonValueKind.Number).ToDictionary(p => p.Key, p => p.Value.GetDouble()))
        .ToList();

    [Fact]
    public void Sft_on_two_ranks_equals_one_rank_with_the_same_global_batch()
    {
        using var dir = new TempDirectory();
        string config = Config(dir);
        var one = ForgeProcess.Run("run", "--config", config, "--pipeline", "dp", "--output", dir.Combine("one"));
        one.ExitCode.Should().Be(0, one.Error);
        var two = RunRanks(2, "run", "--config", config, "--pipeline", "dp", "--output", dir.Combine("two"));
        two.Should().AllSatisfy(r => r.ExitCode.Should().Be(0, r.Error));
        two[1].Out.Should().BeEmpty("rank 0 speaks for the run");

        var expected = TrainingRecords(dir.Combine("one"));
        var actual = TrainingRecords(dir.Combine("two"));
        actual.Should().HaveCount(expected.Count, "rank 0 alone writes metrics.jsonl");
        for (int i = 0; i < expected.Count; i++)
            foreach (var (key, value) in expected[i].Where(p => !p.Key.StartsWith("time", StringComparison.Ordinal) && !p.Key.StartsWith("gc/", StringComparison.Ordinal) && p.Key != "padding_fraction"))
                actual[i][key].Should().BeApproximately(value, 1e-3 * Math.Abs(value) + 1e-7, $"{key} at step {expected[i]["step"]}");
        expected[^1]["loss"].Should().BeLessThan(expected[0]["loss"], "the run learns");
        // The held-out evaluation is shared out over the ranks by sampling batch and summed: the one-rank result.
        JsonElement Overall(string run) => JsonDocument.Parse(File.ReadAllText(dir.Combine(run, "eval", "sft.json"))).RootElement.GetProperty("overall");
        foreach (string key in new[] { "pass_at_1", "cons_at_k", "mean_length", "prompts" })
            Overall("two").GetProperty(key).GetDouble().Should().BeApproximately(Overall("one").GetProperty(key).GetDouble(), 1e-9, key);
        Overall("one").GetProperty("prompts").GetInt32().Should().Be(41);
        File.Exists(dir.Combine("two", "checkpoints", "sft", "model.safetensors")).Should().BeTrue();
    }

    [Fact]
    public void The_launcher_starts_ranks_that_read_the_launch_contract_and_a_cpu_machine_is_told_in_one_line()
    {
        using var dir = new TempDirectory();
        string config = Config(dir);
        var launched = ForgeChild.Run("run", "--config", config, "--pipeline", "dp", "--output", dir.Combine("run"), "--nproc-per-node", "2");
        launched.ExitCode.Should().Be(2, launched.Error);
        launched.Error.Should().MatchRegex(@"error: rank [01] exited with code 2; the other ranks were stopped");
        launched.Error.Should().Contain("data-parallel ranks train on CUDA devices over NCCL");

        var contract = ForgeChild.Run(new Dictionary<string, string> { ["RANK"] = "0", ["WORLD_SIZE"] = "2", ["MASTER_PORT"] = "29500" },
            "run", "--config", config, "--pipeline", "dp", "--output", dir.Combine("run2"));
        contract.ExitCode.Should().Be(2);
        contract.Error.Split('\n').Should().ContainSingle(l => l.StartsWith("error: ", StringComparison.Ordinal))
            .Which.Should().StartWith("error: environment MASTER_ADDR: not set (WORLD_SIZE is 2)");
    }

    [Fact]
    public void A_two_rank_run_resumes_from_rank_0s_checkpoint_as_if_never_stopped()
    {
        using var dir = new TempDirectory();
        string whole = Config(dir, steps: 6, checkpointEvery: 3);
        var straight = RunRanks(2, "run", "--config", whole, "--pipeline", "dp", "--output", dir.Combine("straight"));
        straight.Should().AllSatisfy(r => r.ExitCode.Should().Be(0, r.Error));
        // The same run stopped after its step-3 checkpoint (a config of 3 steps, its summary reset to "nothing finished"
        // as a stopped run's is), then resumed with the 6-step config.
        var first = RunRanks(2, "run", "--config", Config(dir, steps: 3, checkpointEvery: 3), "--pipeline", "dp", "--output", dir.Combine("resumed"));
        first.Should().AllSatisfy(r => r.ExitCode.Should().Be(0, r.Error));
        File.WriteAllText(dir.Combine("resumed", "summary.json"), """{"pipeline":"dp","seed":0,"stages":[]}""");
        var resumed = RunRanks(2, "run", "--config", whole, "--output", dir.Combine("resumed"), "--resume", "--allow-config-change");
        resumed.Should().AllSatisfy(r => r.ExitCode.Should().Be(0, r.Error));
        TrainingRecords(dir.Combine("resumed")).Select(r => r["loss"]).Should().Equal(TrainingRecords(dir.Combine("straight")).Select(r => r["loss"]));
    }

    private static string RlConfig(TempDirectory dir, bool greedy, bool dynamic = false) => dir.Write($"rl-{greedy}-{dynamic}.json", JsonSerializer.Serialize(new
    {
        // Every 5th token id ends a completion and the reward falls with the length, so that prompts differ in both.
        Rewards = new Dictionary<string, object> { ["short"] = new { Plugin = "overlong", Options = new { MaxLength = 8, CacheLength = 8 } } },
        Pipelines = new Dictionary<string, object>
        {
            ["rl"] = new
            {
                Stages = new[]
                {
                    new
                    {
                        Name = "rl", Kind = "rl", Model = ServeTestModel.Folder, Tokenizer = ServeTestModel.Tokenizer, Template = "{prompt}",
                        PromptSource = "arithmetic", Rewards = new Dictionary<string, double> { ["accuracy"] = 1.0, ["short"] = 0.5 },
                        Steps = 3, PromptsPerStep = 4, CompletionsPerPrompt = 3, DynamicSampling = dynamic, MaxRefills = 2,
                        Generation = new { MaxNewTokens = 8, Greedy = greedy, StopTokenIds = Enumerable.Range(1, 79).Select(i => 5 * i).ToArray() },
                        Optimizer = new { Plugin = "grpo", Beta = 0.04, LossType = "Dapo", ScaleRewards = "Batch" },
                        Training = new { LearningRate = 1e-3, MicroBatchSize = 3 },
                    },
                },
            },
        },
    }));

    [Fact]
    public void Rl_on_two_ranks_shares_the_prompts_and_reports_the_whole_step()
    {
        using var dir = new TempDirectory();
        // Greedy completions depend on the prompt alone, so the two-rank run sees exactly the one-rank run's step.
        string greedy = RlConfig(dir, greedy: true);
        var one = ForgeProcess.Run("run", "--config", greedy, "--pipeline", "rl", "--output", dir.Combine("one"));
        one.ExitCode.Should().Be(0, one.Error);
        var two = RunRanks(2, "run", "--config", greedy, "--pipeline", "rl", "--output", dir.Combine("two"));
        two.Should().AllSatisfy(r => r.ExitCode.Should().Be(0, r.Error));
        List<Dictionary<string, double>> Steps(string run) => File.ReadLines(dir.Combine(run, "metrics.jsonl"))
            .Select(l => JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(l)!).Where(r => r.ContainsKey("groups"))
            .Select(r => r.Where(p => p.Value.ValueKind == JsonValueKind.Number).ToDictionary(p => p.Key, p => p.Value.GetDouble())).ToList();
        var expected = Steps("one");
        var actual = Steps("two");
        actual.Should().HaveCount(3);
        for (int i = 0; i < expected.Count; i++)
            foreach (string key in expected[i].Keys.Where(k => k.StartsWith("reward/", StringComparison.Ordinal) || k.StartsWith("completion/", StringComparison.Ordinal)
                         || k is "groups" or "loss" or "kl" or "grad_norm" || k.StartsWith("advantage/", StringComparison.Ordinal)))
                actual[i][key].Should().BeApproximately(expected[i][key], 1e-3 * Math.Abs(expected[i][key]) + 1e-6, $"{key} at step {i}");
        actual.Should().AllSatisfy(r => r["groups"].Should().Be(4, "the step's groups over both ranks"));
        expected.Select(r => r["completion/length_mean"]).Should().Contain(v => v != 8 && v != 0, "lengths vary, so each rank's share differs");

        // Sampled, with DAPO's dynamic sampling: refills are shared out as well, and the ranks stay identical (replica check).
        var sampled = RunRanks(2, "run", "--config", RlConfig(dir, greedy: false, dynamic: true), "--pipeline", "rl", "--output", dir.Combine("sampled"));
        sampled.Should().AllSatisfy(r => r.ExitCode.Should().Be(0, r.Error));
    }
}
