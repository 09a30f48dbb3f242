using System.Text.Json;
using Forge.Host.Tests.Support;

namespace Forge.Host.Tests;

/// <summary>A plugin registered a second time under another name with its own options.</summary>
public class PluginInstanceTests
{
    [Fact]
    public void An_instance_runs_the_plugin_with_its_own_options_beside_the_plugin_itself()
    {
        using var dir = new TempDirectory();
        string input = dir.Write("in.jsonl", """{"prompt":"a","completion":"<think>the cat sat on the mat and looked at the birds</think><answer>1</answer>"}""" + "\n");
        string config = dir.Write("c.json", """
            {"Rewards":{"language-consistency":{"CandidateLanguages":"en,de"},
                        "german-cot":{"Plugin":"language-consistency","Options":{"DefaultLanguage":"de","CandidateLanguages":"en,de"}}}}
            """);

        var result = ForgeProcess.Run("score", "--config", config, "--rewards", "language-consistency,german-cot", "--input", input, "--json");

        result.ExitCode.Should().Be(0, result.Error);
        var rewards = JsonDocument.Parse(result.OutLines[0]).RootElement.GetProperty("rewards");
        rewards.GetProperty("language-consistency").GetDouble().Should().Be(1);
        rewards.GetProperty("german-cot").GetDouble().Should().Be(0);
    }

    [Theory]
    [InlineData("""{"Rewards":{"mine":{"Plugin":"no-such-reward"}}}""", "Rewards:mine:Plugin: no reward plugin named 'no-such-reward'; available: ")]
    [InlineData("""{"Rewards":{"format":{"Plugin":"accuracy"}}}""", "Rewards:format:Plugin: 'format' is already a reward plugin's name")]
    [InlineData("""{"Rewards":{"mine":{"Plugin":"format","Weight":2}}}""", "Rewards:mine:Weight: an instance section holds only Plugin and Options")]
    [InlineData("""{"PromptSources":{"easy":{"Plugin":"arithmetic","Options":{"MaxOperands":"many"}}}}""", "PromptSources:easy")]
    public void A_bad_instance_is_one_line_naming_its_key(string json, string expected)
    {
        using var dir = new TempDirectory();
        string config = dir.Write("c.json", json);
        var result = ForgeProcess.Run("plugins", "--config", config);
        result.ExitCode.Should().Be(2);
        result.Error.Trim().Should().StartWith("error: ").And.Contain(expected).And.NotContain("\n");
    }
}
