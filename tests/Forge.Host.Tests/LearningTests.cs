using System.Text.Json;
using Forge.Host.Tests.Support;

namespace Forge.Host.Tests;

/// <summary>
/// A tiny model learns arithmetic by SFT on a few traces, then RL raises its reward: the R1 recipe end to end on
/// CPU, through `forge run` and built-in plugins only.
/// </summary>
[Collection(SeededRuns.Name)]
public class LearningTests(Xunit.Abstractions.ITestOutputHelper output)
{
    internal static string Traces(TempDirectory dir, int count, int seed)
    {
        var random = new Random(seed);
        var lines = Enumerable.Range(0, count).Select(_ =>
        {
            int a = random.Next(5), b = random.Next(5);
            bool plus = random.Next(2) == 0;
            return JsonSerializer.Serialize(new { prompt = $"What is {a}{(plus ? '+' : '-')}{b}?", completion = $"<answer>{(plus ? a + b : a - b)}</answer>" });
        });
        return dir.Write("traces.jsonl", string.Join("\n", lines) + "\n");
    }

    internal static object Config(string traces, string optimizer, int rlSteps) => new
    {
        PromptSources = new { arithmetic = new { MaxOperands = 2, MaxNumber = 4, AllowMultiplication = false } },
        Optimizers = new Dictionary<string, object> { ["grpo"] = new { Beta = 0.0, LossType = "Grpo" }, ["ppo"] = new { PpoEpochs = 2, KlCoef = 0.0, VfCoef = 0.5 } },
        Pipelines = new Dictionary<string, object>
        {
            ["learn"] = new
            {
                Stages = new object[]
                {
                    new
                    {
                        Name = "sft", Kind = "sft", Data = traces, MaxSteps = 100, BatchSize = 32,
                        NewModel = new { hidden_size = 64, intermediate_size = 128, num_hidden_layers = 2, num_attention_heads = 4, num_key_value_heads = 2, max_position_embeddings = 128, tie_word_embeddings = true },
                        Training = new { LearningRate = 3e-3, MicroBatchSize = 32 },
                    },
                    new
                    {
                        Name = "rl", Kind = "rl", Model = "checkpoints/sft", PromptSource = "arithmetic", Optimizer = optimizer,
                        Rewards = new { accuracy = 1.0 }, Steps = rlSteps, PromptsPerStep = 16, CompletionsPerPrompt = 8,
                        Generation = new { MaxNewTokens = 14, Temperature = 1.0 },
                        Training = new { LearningRate = 1e-3, MicroBatchSize = 128 },
                    },
                },
            },
        },
    };

    [Fact]
    public void The_same_seed_gives_the_same_run()
    {
        using var dir = new TempDirectory();
        string config = dir.Write("forge.json", JsonSerializer.Serialize(Config(Traces(dir, 100, 1), "grpo", 4)));
        string Rewards(string run)
        {
            var result = ForgeProcess.Run("run", "--config", config, "--pipeline", "learn", "--output", dir.Combine(run), "--seed", "5");
            result.ExitCode.Should().Be(0, result.Error);
            return string.Join(",", File.ReadLines(dir.Combine(run, "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
                .Select(e => e.TryGetProperty("reward/mean", out var r) ? r.GetDouble() : e.GetProperty("loss").GetDouble()));
        }

        Rewards("a").Should().Be(Rewards("b"));
    }

    [Fact]
    public void Dynamic_sampling_keeps_only_groups_with_a_signal_and_refills()
    {
        using var dir = new TempDirectory();
        var config = JsonSerializer.SerializeToNode(Config(Traces(dir, 100, 1), "grpo", 3))!;
        var rl = config["Pipelines"]!["learn"]!["Stages"]![1]!;
        rl["DynamicSampling"] = true;
        rl["MaxRefills"] = 3;
        string path = dir.Write("forge.json", config.ToJsonString());

        var result = ForgeProcess.Run("run", "--config", path, "--pipeline", "learn", "--output", dir.Combine("run"), "--seed", "3");

        result.ExitCode.Should().Be(0, result.Error);
        var steps = File.ReadLines(dir.Combine("run", "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("stage").GetString() == "rl").ToList();
        steps.Should().NotBeEmpty();
        // Every kept group has unequal rewards, so every step's rewards vary and its advantages are not all zero.
        steps.Should().AllSatisfy(s =>
        {
            s.GetProperty("reward/std").GetDouble().Should().BeGreaterThan(0);
            s.GetProperty("advantage/abs_mean").GetDouble().Should().BeGreaterThan(0.1);
            s.GetProperty("groups").GetDouble().Should().BeInRange(1, 16);
        });
    }

    [Theory]
    [InlineData("grpo")]
    [InlineData("ppo")]
    public void A_few_dozen_rl_steps_raise_the_reward_of_a_briefly_fine_tuned_model(string optimizer)
    {
        using var dir = new TempDirectory();
        string config = dir.Write("forge.json", JsonSerializer.Serialize(Config(Traces(dir, 400, 1), optimizer, 40)));

        var result = ForgeProcess.Run("run", "--config", config, "--pipeline", "learn", "--output", dir.Combine("run"), "--seed", "3");

        result.ExitCode.Should().Be(0, result.Error);
        var rewards = File.ReadLines(dir.Combine("run", "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("stage").GetString() == "rl").Select(e => e.GetProperty("reward/mean").GetDouble()).ToList();
        rewards.Should().HaveCount(40);
        double first = rewards.Take(5).Average(), lastFive = rewards.TakeLast(5).Average();
        output.WriteLine($"{optimizer}: mean reward, first five steps {first:0.000}, last five {lastFive:0.000}");
        first.Should().BeInRange(0.02, 0.9, "the SFT model is partly right");
        lastFive.Should().BeGreaterThan(first + 0.1, $"RL should raise the reward (per step: {string.Join(", ", rewards.Select(r => r.ToString("0.00")))})");
        File.Exists(dir.Combine("run", "checkpoints", "rl", "model.safetensors")).Should().BeTrue();
        File.Exists(dir.Combine("run", "checkpoints", "rl", "tokenizer.json")).Should().BeTrue();
    }
}
