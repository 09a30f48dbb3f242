using System.Text.Json;
using System.Text.Json.Nodes;
using Forge.Host.Tests.Support;

namespace Forge.Host.Tests;

/// <summary>
/// Plugins written from outside, as a third party writes them: against the packed Forge.Contracts package from a local
/// feed (no project reference), built with the dotnet CLI, dropped into a plugin folder and selected by name.
/// </summary>
public class ThirdPartyPluginTests
{
    [Fact]
    public void Rloo_built_from_the_contracts_package_is_selected_by_name_and_raises_the_reward_like_grpo()
    {
        using var dir = new TempDirectory();
        string plugin = RlooSampleBuild.Folder;
        Directory.GetFiles(plugin).Select(Path.GetFileName).Should().BeEquivalentTo(
            ["Forge.Samples.Rloo.dll", "Forge.Samples.Rloo.pdb", "Forge.Samples.Rloo.deps.json", "Forge.Samples.Rloo.runtimeconfig.json"],
            "the host provides the contracts, TorchSharp and Microsoft.Extensions.*");
        var config = JsonSerializer.SerializeToNode(LearningTests.Config(LearningTests.Traces(dir, 400, 1), "rloo", 40))!;
        config["Optimizers"]!["rloo"] = new JsonObject { ["Beta"] = 0.04 };
        config["Forge"] = new JsonObject { ["PluginDirectories"] = new JsonArray(Path.GetDirectoryName(plugin)) };
        string path = dir.Write("forge.json", config.ToJsonString());

        var result = ForgeProcess.Run("run", "--config", path, "--pipeline", "learn", "--output", dir.Combine("run"), "--seed", "3");

        result.ExitCode.Should().Be(0, result.Error);
        var steps = File.ReadLines(dir.Combine("run", "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("stage").GetString() == "rl").ToList();
        var rewards = steps.Select(e => e.GetProperty("reward/mean").GetDouble()).ToList();
        rewards.Should().HaveCount(40);
        double first = rewards.Take(5).Average(), lastFive = rewards.TakeLast(5).Average();
        first.Should().BeInRange(0.02, 0.9, "the SFT model is partly right");
        // The same margin LearningTests asks of GRPO on this task and seed (measured: GRPO +0.23 to +0.25, RLOO +0.18 to +0.22).
        lastFive.Should().BeGreaterThan(first + 0.1, $"RLOO should raise the reward (per step: {string.Join(", ", rewards.Select(r => r.ToString("0.00")))})");
        steps.Should().AllSatisfy(s =>
        {
            foreach (string key in new[] { "loss", "loss/policy", "kl", "entropy", "grad_norm", "learning_rate", "advantage/abs_mean" })
                s.TryGetProperty(key, out _).Should().BeTrue($"rloo reports {key}");
            // Leave-one-out: a group's baselines average to its mean reward, and its advantages sum to zero.
            s.GetProperty("baseline/mean").GetDouble().Should().BeApproximately(s.GetProperty("reward/mean").GetDouble(), 1e-9);
            s.GetProperty("advantage/mean").GetDouble().Should().BeApproximately(0, 1e-9);
        });
        steps.Skip(1).Should().Contain(s => s.GetProperty("kl").GetDouble() > 0, "the policy moves away from the reference");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Rloo_divides_by_the_batch_over_every_rank_as_one_rank_of_a_data_parallel_run(bool normalize)
    {
        // The built sample, loaded as the host loads it (same contracts, same TorchSharp), run by Forge.Testing's context
        // alone and as one rank of two whose other rank holds three times its rows (the same rewards: sums × 3).
        var assembly = System.Reflection.Assembly.LoadFrom(Path.Combine(RlooSampleBuild.Folder, "Forge.Samples.Rloo.dll"));
        var optionsType = assembly.GetType("Forge.Samples.Rloo.RlooOptions", throwOnError: true)!;
        Forge.Contracts.Training.IPolicyOptimizer Optimizer()
        {
            object options = Activator.CreateInstance(optionsType)!;
            optionsType.GetProperty("NormalizeAdvantages")!.SetValue(options, normalize);
            return (Forge.Contracts.Training.IPolicyOptimizer)Activator.CreateInstance(assembly.GetType("Forge.Samples.Rloo.RlooOptimizer", throwOnError: true)!, options)!;
        }
        var rollout = Forge.Testing.Rollouts.Build(prompts: [[1, 2, 3]], completions: [[4, 5], [6, 7], [8, 9], [10, 11]], rewards: [1, 0, 0, 0], groupSize: 4);
        using var alone = new Forge.Testing.RecordingTrainingContext(new Forge.Testing.TinyLanguageModel(seed: 1), microBatchSize: 2);
        Optimizer().Step(rollout, alone);
        using var rank = new Forge.Testing.RecordingTrainingContext(new Forge.Testing.TinyLanguageModel(seed: 1), microBatchSize: 2)
        {
            WorldSize = 2, OtherRanks = values => values.Select(v => 3 * v).ToArray(),
        };
        Optimizer().Step(rollout, rank);

        // Leave-one-out advantages 1, −1/3, −1/3, −1/3: sum 0, sum of squares 4/3 (16/3 over both ranks).
        rank.RankSums.Should().ContainSingle().Which.Should().Equal([4, 0, 4.0 / 3], (a, b) => Math.Abs(a - b) < 1e-12);
        // Rows: 16 over 2 ranks, so each rank divides by 8 where one process divides by its 4; the standard deviation
        // is the 16 rows' (unbiased) where one process takes its 4 rows'.
        double scale = 4.0 / 8.0 * (normalize ? (Math.Sqrt(4.0 / 3 / 3) + 1e-8) / (Math.Sqrt(16.0 / 3 / 15) + 1e-8) : 1);
        rank.BackwardLosses.Should().Equal(alone.BackwardLosses.Select(l => l * scale), (a, b) => Math.Abs(a - b) < 1e-6 * Math.Max(1, Math.Abs(b)));
        alone.BackwardLosses.Should().Contain(l => Math.Abs(l) > 1e-4, "the losses compared are not all zero");
    }

    [Fact]
    public void Rloo_refuses_a_group_of_one_completion_with_a_one_line_error()
    {
        using var dir = new TempDirectory();
        var config = JsonSerializer.SerializeToNode(LearningTests.Config(LearningTests.Traces(dir, 20, 1), "rloo", 2))!;
        config["Pipelines"]!["learn"]!["Stages"]![0]!["MaxSteps"] = 1;
        config["Pipelines"]!["learn"]!["Stages"]![1]!["CompletionsPerPrompt"] = 1;
        config["Forge"] = new JsonObject { ["PluginDirectories"] = new JsonArray(Path.GetDirectoryName(RlooSampleBuild.Folder)) };
        string path = dir.Write("forge.json", config.ToJsonString());

        var result = ForgeProcess.Run("run", "--config", path, "--pipeline", "learn", "--output", dir.Combine("run"));

        result.ExitCode.Should().Be(2);
        result.ErrorText.Trim().Should().Be("error: rloo: CompletionsPerPrompt is 1; a leave-one-out baseline needs at least 2 completions per prompt");
    }

    /// <summary>
    /// A new author's path, as each template's README gives it, run literally (the README's sh block, extracted, one
    /// bash script, <c>$FORGE</c> set to this build's forge) against the freshly packed Forge.Contracts, Forge.Testing
    /// and Forge.Templates: <c>dotnet new</c>, the example test on tensors, the plugin in forge's list, and its column
    /// in a run's metrics.
    /// </summary>
    [Theory]
    [InlineData("forge-reward", "Acme.Rewards", "acme-rewards", "AcmeRewards", "reward/acme-rewards/mean")]
    [InlineData("forge-optimizer", "Acme.Optimizers", "acme-optimizers", "AcmeOptimizers", "advantage/abs_mean")]
    public void A_templates_README_goes_from_dotnet_new_to_a_tensor_test_and_the_plugins_column_in_a_run(string template, string name, string plugin,
        string className, string column)
    {
        string folder = PackedContracts.NewFolder(template);
        PackedContracts.Dotnet(folder, "new", template, "-n", name, "--contracts-feed", PackedContracts.Feed, "--debug:custom-hive", PackedContracts.TemplateHive);
        string solution = Path.Combine(folder, name);
        File.ReadAllText(Path.Combine(solution, "nuget.config")).Should().Contain(PackedContracts.Feed);
        foreach (string file in new[] { $"{name}/{className}.cs", $"{name}/{className}Options.cs", $"{name}/{className}Plugin.cs", $"{name}.Tests/{className}Tests.cs" })
            File.Exists(Path.Combine(solution, file)).Should().BeTrue($"the sample is named after -n: {file}");
        Directory.GetFiles(solution, "*.cs", SearchOption.AllDirectories).Select(Path.GetFileName).Should().NotContain(f => f!.StartsWith("Sample", StringComparison.Ordinal));

        string readme = File.ReadAllText(Path.Combine(solution, "README.md"));
        int open = readme.IndexOf("```sh\n", StringComparison.Ordinal);
        open.Should().BeGreaterThan(0, "the README has its commands in an sh block");
        string script = readme[(open + 6)..readme.IndexOf("```", open + 6, StringComparison.Ordinal)];
        string output = Bash(solution, script, new() { ["FORGE"] = Path.Combine(AppContext.BaseDirectory, "forge"), ["NUGET_PACKAGES"] = PackedContracts.PackagesFolder });

        int examples = template == "forge-optimizer" ? 2 : 1; // the optimizer's second: as one rank of a data-parallel run
        output.Should().MatchRegex($@"Passed!\s+-\s+Failed:\s+0,\s+Passed:\s+{examples},", "the template's example tests run and pass");
        output.Should().MatchRegex($@"(?m)^{plugin}\s+{(template == "forge-reward" ? "reward" : "optimizer")}\s", "forge plugins lists it");
        System.Text.RegularExpressions.Regex.Matches(output, $"\"{column}\":-?[0-9]").Should().HaveCount(3, "the README's grep shows the plugin's column in the run's last three steps");
        Directory.GetFiles(Path.Combine(folder, "plugins", name)).Select(Path.GetFileName).Should().BeEquivalentTo(
            [$"{name}.dll", $"{name}.pdb", $"{name}.deps.json", $"{name}.runtimeconfig.json"], "the host provides everything else");
    }

    /// <summary>Runs <paramref name="script"/> with bash -euo pipefail in <paramref name="folder"/>; throws with its output unless it exits 0.</summary>
    private static string Bash(string folder, string script, Dictionary<string, string> environment)
    {
        string file = Path.Combine(folder, "readme-commands.sh");
        File.WriteAllText(file, script);
        var (exit, output) = DotnetCli.RunTool("bash", ["-euo", "pipefail", file], folder, environment);
        exit.Should().Be(0, $"the README's commands ran:\n{script}\n{output}");
        return output;
    }
}
