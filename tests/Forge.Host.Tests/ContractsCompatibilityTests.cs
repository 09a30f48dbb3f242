using System.Text.Json;
using Forge.Contracts.Plugins;
using Forge.Host.Tests.Support;

namespace Forge.Host.Tests;

/// <summary>
/// Contracts 1.x are additive: a plugin built against the Forge.Contracts 1.0.0 package (TestData/contracts-1.0, kept as
/// built; its source and build script in TestData/contracts-1.0-source) loads and runs in this host.
/// </summary>
public class ContractsCompatibilityTests
{
    private static readonly string Plugins = Path.Combine(Repository.Root, "tests", "Forge.Host.Tests", "TestData", "contracts-1.0");

    [Fact]
    public void A_plugin_built_against_contracts_1_0_loads_and_scores_in_a_1_3_host()
    {
        ContractsVersion.Current.Should().Be(new Version(1, 3, 0, 0), "this is the 1.3 host");
        typeof(Forge.Contracts.Rewards.RewardModel).Assembly.GetName().Version!.Major.Should().Be(1);
        using var dir = new TempDirectory();
        string input = dir.Write("in.jsonl", string.Join('\n', new[] { "abc", "0123456789xyz" }.Select(c =>
            JsonSerializer.Serialize(new { prompt = "p", completion = c }))) + "\n");

        var listed = ForgeProcess.Run("plugins", "--plugins", Plugins, "--json");
        listed.ExitCode.Should().Be(0, listed.Error);
        JsonDocument.Parse(listed.Out).RootElement.EnumerateArray().Should().Contain(p => p.GetProperty("name").GetString() == "legacy-length");

        var scored = ForgeProcess.Run("score", "--plugins", Plugins, "--rewards", "legacy-length", "--input", input, "--json");
        scored.ExitCode.Should().Be(0, scored.Error);
        scored.OutLines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("rewards").GetProperty("legacy-length").GetDouble())
            .Should().Equal(0.3, 1.0);
    }
}
