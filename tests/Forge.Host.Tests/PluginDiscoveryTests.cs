using System.Text.Json;
using Forge.Host.Tests.Support;

namespace Forge.Host.Tests;

public class PluginDiscoveryTests
{
    [Fact]
    public void Built_in_plugins_are_loaded_from_the_plugins_folder_beside_the_executable()
    {
        var result = ForgeProcess.Run("plugins", "--json");

        result.ExitCode.Should().Be(0, result.Error);
        var plugins = JsonDocument.Parse(result.Out).RootElement.EnumerateArray().ToList();
        var format = plugins.Single(p => p.GetProperty("name").GetString() == "format");
        format.GetProperty("kind").GetString().Should().Be("reward");
        format.GetProperty("assembly").GetString().Should()
            .Be(Path.Combine(AppContext.BaseDirectory, "plugins", "Forge.Plugins.Rewards", "Forge.Plugins.Rewards.dll"));
    }

    [Fact]
    public void Table_lists_name_kind_version_and_assembly_on_one_line_each()
    {
        using var dir = new TempDirectory();
        PluginCompiler.Compile(dir.Combine("Alpha"), "Alpha", PluginCompiler.RewardSource("alpha", "1.0"), version: "3.1.4.0");

        var result = ForgeProcess.Run("plugins", "--plugins", dir.Path);

        result.ExitCode.Should().Be(0, result.Error);
        result.OutLines.Should().Contain(line => line.StartsWith("alpha ") && line.Contains(" reward ") && line.Contains("3.1.4")
            && line.EndsWith(Path.Combine(dir.Path, "Alpha", "Alpha.dll")));
    }

    [Fact]
    public void Every_verb_has_help()
    {
        foreach (string verb in new[] { "plugins", "run", "score", "tokenize", "generate" })
        {
            var result = ForgeProcess.Run(verb, "--help");
            result.ExitCode.Should().Be(0);
            result.Out.Should().Contain("Usage:").And.Contain(verb);
        }
    }
}
