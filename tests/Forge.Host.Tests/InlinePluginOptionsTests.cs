using System.Text.Json;
using Forge.Host.Tests.Support;

namespace Forge.Host.Tests;

/// <summary>
/// A stage may carry its plugins' options inline (<c>"Rewards": { "x": { "Plugin": "overlong", "Weight": 1, "MaxLength": 4 } }</c>,
/// <c>"Optimizer": { "Plugin": "grpo", "Beta": 0.02 }</c>), laid over the plugin's global section and validated the same way.
/// </summary>
public class InlinePluginOptionsTests
{
    private const string Rewards = "Pipelines:score-sample:Stages:0:Rewards";

    private static ForgeProcess.Result Score(TempDirectory dir, params string[] sets) =>
        ForgeProcess.Run(["run", "--pipeline", "score-sample", "--output", dir.Combine("run"), .. sets.SelectMany(s => new[] { "--set", s })]);

    private static List<Dictionary<string, double?>> Rows(TempDirectory dir) =>
        File.ReadLines(dir.Combine("run", "data", "score.jsonl"))
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("rewards").Deserialize<Dictionary<string, double?>>()!).ToList();

    [Fact]
    public void Two_entries_of_one_reward_plugin_score_with_their_own_options_over_the_shared_section()
    {
        using var dir = new TempDirectory();
        // The first sample completion is 5 whitespace-separated words long.
        var result = Score(dir,
            "Rewards:overlong:MaxLength=100", "Rewards:overlong:CacheLength=10",
            $"{Rewards}:short:Plugin=overlong", $"{Rewards}:short:MaxLength=4", $"{Rewards}:short:CacheLength=1",
            $"{Rewards}:shared:Plugin=overlong", $"{Rewards}:shared:Weight=2");

        result.ExitCode.Should().Be(0, result.Error);
        var first = Rows(dir)[0];
        first["short"].Should().Be(-1.0, "MaxLength 4 inline: 5 words are over it");
        first["shared"].Should().Be(0.0, "no inline options: the shared section's MaxLength 100");
        first.Keys.Should().BeEquivalentTo("format", "short", "shared");
    }

    [Fact]
    public void Inline_options_are_validated_with_the_merged_section_and_name_the_inline_key()
    {
        using var dir = new TempDirectory();
        var result = Score(dir, "Rewards:overlong:CacheLength=10", $"{Rewards}:edge:Plugin=overlong", $"{Rewards}:edge:MaxLength=6");

        result.ExitCode.Should().Be(2);
        result.ErrorText.Trim().Should().Be($"error: {Rewards}:edge:CacheLength: CacheLength must not exceed MaxLength");
        Directory.Exists(dir.Combine("run")).Should().BeFalse();
    }

    [Fact]
    public void A_misspelled_inline_key_is_refused_with_a_suggestion()
    {
        using var dir = new TempDirectory();
        var result = Score(dir, $"{Rewards}:overlong:Weight=1", $"{Rewards}:overlong:MaxLenght=6");

        result.ExitCode.Should().Be(2);
        result.ErrorText.Trim().Should().StartWith($"error: {Rewards}:overlong:MaxLenght: unknown key; did you mean MaxLength?");
    }

    [Fact]
    public void An_inline_selection_of_an_unknown_plugin_names_its_Plugin_key()
    {
        using var dir = new TempDirectory();
        var result = ForgeProcess.Run("run", "--pipeline", "r1-mini", "--output", dir.Combine("run"),
            "--set", "Pipelines:r1-mini:Stages:1:Optimizer:Plugin=grop", "--set", "Pipelines:r1-mini:Stages:1:Optimizer:Beta=0.02");

        result.ExitCode.Should().Be(2);
        result.ErrorText.Trim().Should().Be("error: Pipelines:r1-mini:Stages:1:Optimizer:Plugin: no optimizer plugin named 'grop'; did you mean grpo? (available: grpo, grpo-kl, ppo)");
    }
}
