using System.Text.Json;
using Forge.Host.Tests.Support;

namespace Forge.Host.Tests;

/// <summary>
/// A reward plugin that throws: one warning per step with the count, <c>reward/&lt;name&gt;/failed</c> in every step's
/// metrics, and under <c>Forge:RewardIsolation:FailOnError</c> a plugin fault (exit 1) carrying the reward's own message.
/// </summary>
public class RewardFailureTests
{
    /// <summary>
    /// Throws on any batch of several completions, and on every other single one (the 1st, 3rd, …): retried row by row,
    /// a step of 8 completions fails on 4 of them.
    /// </summary>
    private const string HalfBroken = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using Forge.Contracts.Plugins;
        using Forge.Contracts.Rewards;
        using Microsoft.Extensions.DependencyInjection;
        namespace HalfBroken;
        public sealed class HalfBrokenReward : IRewardModel
        {
            private int _single;
            public IReadOnlyList<double?> Score(IReadOnlyList<RewardInput> batch, CancellationToken cancellationToken = default)
            {
                if (batch.Count > 1 || ++_single % 2 == 1) throw new InvalidOperationException("the judge is out to lunch");
                return [0.5];
            }
        }
        [ForgePlugin("half-broken", PluginKind.Reward)]
        public sealed class Module : IForgePlugin
        {
            public void ConfigureServices(IServiceCollection services, PluginContext context) =>
                services.AddForgePlugin<IRewardModel, HalfBrokenReward>(context);
        }
        """;

    private static string Plugins(TempDirectory dir)
    {
        PluginCompiler.Compile(dir.Combine("plugins", "HalfBroken"), "HalfBroken", HalfBroken);
        return dir.Combine("plugins");
    }

    private static string Config(TempDirectory dir) => dir.Write("rewarded.json", JsonSerializer.Serialize(new
    {
        PromptSources = new { arithmetic = new { MaxOperands = 2, MaxNumber = 4, AllowMultiplication = false } },
        Pipelines = new Dictionary<string, object>
        {
            ["rewarded"] = new
            {
                Stages = new object[]
                {
                    new
                    {
                        Name = "rl", Kind = "rl", PromptSource = "arithmetic", Rewards = new Dictionary<string, double> { ["accuracy"] = 1.0, ["half-broken"] = 1.0 },
                        NewModel = new { hidden_size = 32, intermediate_size = 64, num_hidden_layers = 1, num_attention_heads = 2, num_key_value_heads = 1, max_position_embeddings = 64, tie_word_embeddings = true },
                        Steps = 2, PromptsPerStep = 2, CompletionsPerPrompt = 4, Generation = new { MaxNewTokens = 6 },
                    },
                },
            },
        },
    }));

    [Fact]
    public void A_failing_reward_warns_once_per_step_with_the_count_and_its_failures_are_a_metric_of_every_step()
    {
        using var dir = new TempDirectory();
        string run = dir.Combine("run");

        var result = ForgeChild.Run("run", "--plugins", Plugins(dir), "--config", Config(dir), "--pipeline", "rewarded", "--output", run);

        result.ExitCode.Should().Be(0, result.Error);
        var warnings = result.Error.Split('\n').Where(l => l.Contains(" warn: ", StringComparison.Ordinal) && l.Contains("half-broken", StringComparison.Ordinal)).ToList();
        warnings.Should().HaveCount(2, "one warning per step, not one per failing completion").And.AllSatisfy(l => l.Should()
            .MatchRegex(@"reward 'half-broken' failed on 4 of 8 completions \(first: row 1 \(.+\): InvalidOperationException: the judge is out to lunch\); they score null"));
        var steps = File.ReadLines(Path.Combine(run, "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(r => r.TryGetProperty("reward/mean", out _)).ToList();
        steps.Should().HaveCount(2);
        steps.Should().AllSatisfy(s =>
        {
            s.GetProperty("reward/half-broken/failed").GetDouble().Should().Be(4);
            s.GetProperty("reward/accuracy/failed").GetDouble().Should().Be(0);
            s.GetProperty("reward/half-broken/mean").GetDouble().Should().Be(0.5, "the completions it scored");
        });
    }

    [Fact]
    public void Under_fail_on_error_a_reward_that_throws_ends_the_run_as_a_plugin_fault_with_its_own_message()
    {
        using var dir = new TempDirectory();
        string run = dir.Combine("run");

        var result = ForgeProcess.Run("run", "--plugins", Plugins(dir), "--config", Config(dir), "--pipeline", "rewarded", "--output", run,
            "--set", "Forge:RewardIsolation:FailOnError=true");

        result.ExitCode.Should().Be(1, "a plugin fault, not bad input");
        result.ErrorText.Trim().Should().MatchRegex(@"^error: reward plugin 'half-broken' failed in stage 'rl' at step 0 on row 1 \(.+\): "
            + @"InvalidOperationException: the judge is out to lunch; last complete step checkpoint: .*; resume with: forge .* --resume$");
    }

    [Fact]
    public void Forge_score_under_fail_on_error_exits_1_with_the_rewards_own_message()
    {
        using var dir = new TempDirectory();
        string input = dir.Write("in.jsonl", """{"prompt":"p","completion":"c"}""" + "\n" + """{"prompt":"q","completion":"d"}""" + "\n");

        var result = ForgeProcess.Run("score", "--plugins", Plugins(dir), "--rewards", "half-broken", "--input", input, "--json",
            "--set", "Forge:RewardIsolation:FailOnError=true");

        result.ExitCode.Should().Be(1);
        result.Error.Trim().Should().Be("error: reward 'half-broken' failed on row 1 (1): InvalidOperationException: the judge is out to lunch");
    }
}
