using Forge.Host.Tests.Support;

namespace Forge.Host.Tests;

public class PluginErrorTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Completions() => _dir.Write("in.jsonl", """{"prompt":"p","completion":"<think>a</think><answer>1</answer>","answer":"1"}""" + "\n");

    private static void ShouldFailWithOneLine(ForgeProcess.Result result, params string[] fragments)
    {
        result.ExitCode.Should().NotBe(0);
        string[] lines = result.ErrorText.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().ContainSingle($"exactly one error line is expected, got:\n{result.Error}");
        lines[0].Should().StartWith("error: ");
        foreach (string fragment in fragments) lines[0].Should().Contain(fragment);
        result.Error.Should().NotContain("   at ", "no stack trace without --verbose");
    }

    [Fact]
    public void Unknown_plugin_name_lists_the_available_ones_of_that_kind()
    {
        var result = ForgeProcess.Run("score", "--rewards", "no-such-reward", "--input", Completions());
        ShouldFailWithOneLine(result, "unknown reward plugin 'no-such-reward'", "available:", "format");
    }

    [Fact]
    public void Duplicate_names_name_both_assemblies()
    {
        PluginCompiler.Compile(_dir.Combine("p", "First"), "First", PluginCompiler.RewardSource("twin", "1.0", "First"));
        PluginCompiler.Compile(_dir.Combine("p", "Second"), "Second", PluginCompiler.RewardSource("twin", "2.0", "Second"));
        var result = ForgeProcess.Run("plugins", "--plugins", _dir.Combine("p"));
        ShouldFailWithOneLine(result, "duplicate reward plugin name 'twin'", "First.dll", "Second.dll");
    }

    [Fact]
    public void A_plugin_that_throws_while_loading_is_named_with_its_message()
    {
        string source = PluginCompiler.RewardSource("boom", "1.0", "Boom")
            .Replace("public sealed class Module : IForgePlugin\n{", "public sealed class Module : IForgePlugin\n{\n    public Module() => throw new System.InvalidOperationException(\"module exploded\");");
        PluginCompiler.Compile(_dir.Combine("p", "Boom"), "Boom", source);
        var result = ForgeProcess.Run("plugins", "--plugins", _dir.Combine("p"));
        ShouldFailWithOneLine(result, "plugin 'boom'", "module exploded");
    }

    [Fact]
    public void A_plugin_that_throws_while_constructing_is_named_with_its_message()
    {
        PluginCompiler.Compile(_dir.Combine("p", "Fragile"), "Fragile",
            PluginCompiler.RewardSource("fragile", "1.0", "Fragile", ctorBody: "throw new System.InvalidOperationException(\"no GPU for rewards\");"));
        var result = ForgeProcess.Run("score", "--plugins", _dir.Combine("p"), "--rewards", "fragile", "--input", Completions());
        ShouldFailWithOneLine(result, "reward plugin 'fragile'", "Fragile.dll", "failed to construct", "no GPU for rewards");
    }

    [Fact]
    public void A_plugin_built_against_a_newer_contracts_major_is_refused_naming_both_versions()
    {
        // A stand-in Forge.Contracts 2.0 with the same attribute and interface the plugin needs.
        string contracts2 = PluginCompiler.Compile(_dir.Combine("contracts2"), "Forge.Contracts", """
            namespace Forge.Contracts.Plugins;
            public interface IForgePlugin { }
            """, version: "2.0.0.0", referenceHostContracts: false);
        PluginCompiler.Compile(_dir.Combine("p", "Future"), "Future", """
            namespace Future;
            public sealed class Module : Forge.Contracts.Plugins.IForgePlugin { }
            """, extraReferences: [contracts2], referenceHostContracts: false);
        var result = ForgeProcess.Run("plugins", "--plugins", _dir.Combine("p"));
        ShouldFailWithOneLine(result, "Future.dll", "Forge.Contracts 2.0", "Forge.Contracts 1.3");
    }

    [Fact]
    public void Invalid_options_name_the_key_and_the_rule()
    {
        string sample = SamplePluginBuild.Folder;
        var result = ForgeProcess.Run("score", "--plugins", Path.GetDirectoryName(sample)!, "--rewards", "regex-match",
            "--input", Completions(), "--set", "Rewards:regex-match:Pattern=x", "--set", "Rewards:regex-match:Score=500");
        ShouldFailWithOneLine(result, "Rewards:regex-match:Score", "500 is out of range [-100, 100]");
    }

    [Fact]
    public void Options_of_the_wrong_type_name_the_key()
    {
        var result = ForgeProcess.Run("score", "--rewards", "format", "--input", Completions(),
            "--set", "Rewards:format:AllowSurroundingWhitespace=maybe");
        ShouldFailWithOneLine(result, "Rewards:format:AllowSurroundingWhitespace");
    }

    [Fact]
    public void Unknown_option_keys_are_refused()
    {
        var result = ForgeProcess.Run("score", "--rewards", "format", "--input", Completions(), "--set", "Rewards:format:Strictnes=1");
        ShouldFailWithOneLine(result, "Strictnes");
    }

    [Fact]
    public void A_plugin_folder_without_its_assembly_is_named()
    {
        Directory.CreateDirectory(_dir.Combine("p", "Empty"));
        var result = ForgeProcess.Run("plugins", "--plugins", _dir.Combine("p"));
        ShouldFailWithOneLine(result, "Empty", "Empty.dll");
    }

    [Fact]
    public void The_hash_allow_list_refuses_any_other_assembly()
    {
        string dll = PluginCompiler.Compile(_dir.Combine("p", "Unvetted"), "Unvetted", PluginCompiler.RewardSource("unvetted", "1.0", "Unvetted"));
        // The list covers every file of a plugin folder (Forge.Host.Plugins.PluginFiles), not only its assemblies.
        var builtIn = Directory.EnumerateFiles(AppContext.BaseDirectory + "plugins", "*", SearchOption.AllDirectories).ToList();
        var refused = ForgeProcess.Run(["plugins", "--plugins", _dir.Combine("p"), .. AllowList(builtIn)]);
        ShouldFailWithOneLine(refused, "Unvetted.dll", "allow-list");

        var accepted = ForgeProcess.Run(["plugins", "--plugins", _dir.Combine("p"), .. AllowList([.. builtIn, dll])]);
        accepted.ExitCode.Should().Be(0, accepted.Error);
        accepted.Out.Should().Contain("unvetted");
    }

    private static IEnumerable<string> AllowList(IEnumerable<string> files) => files
        .Select((file, i) => $"Forge:AllowedPluginSha256:{i}={Forge.Host.Plugins.PluginFiles.Sha256Of(file)}")
        .SelectMany(setting => new[] { "--set", setting });

    [Fact]
    public void Verbose_shows_the_stack_trace()
    {
        var result = ForgeProcess.Run("score", "--verbose", "--rewards", "nope", "--input", Completions());
        result.ExitCode.Should().Be(2);
        result.Error.Should().Contain("   at ");
    }
}
