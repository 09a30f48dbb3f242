using Forge.Host.Tests.Support;

namespace Forge.Host.Tests;

/// <summary>README's configuration reference is what <c>forge plugins --reference</c> generates from the options classes.</summary>
public class ConfigurationReferenceTests
{
    private const string Begin = "<!-- configuration-reference:begin -->\n", End = "<!-- configuration-reference:end -->";

    [Fact]
    public void The_readme_reference_is_the_one_generated_from_the_options_classes()
    {
        var result = ForgeProcess.Run("plugins", "--reference");
        result.ExitCode.Should().Be(0, result.Error);
        result.Out.Should().Contain("| `Steps` |").And.Contain("#### `Optimizers:grpo` (optimizer `grpo`)");

        string readmePath = Path.Combine(Repository.Root, "README.md");
        string readme = File.ReadAllText(readmePath).ReplaceLineEndings("\n");
        int start = readme.IndexOf(Begin, StringComparison.Ordinal) + Begin.Length, end = readme.IndexOf(End, StringComparison.Ordinal);
        start.Should().BeGreaterThan(Begin.Length - 1, "README.md has the reference markers");
        string generated = result.Out.ReplaceLineEndings("\n");
        if (Environment.GetEnvironmentVariable("UPDATE_FORGE_README") == "1")
            File.WriteAllText(readmePath, readme[..start] + generated + readme[end..]);
        else
            readme[start..end].Should().Be(generated,
                "README.md's configuration reference must be regenerated after an options class changed: UPDATE_FORGE_README=1 dotnet test tests/Forge.Host.Tests --filter ConfigurationReference");
    }

    [Fact]
    public void Every_stage_key_has_help_text()
    {
        var result = ForgeProcess.Run("plugins", "--reference");
        var rows = result.OutLines.Where(l => l.StartsWith("| `", StringComparison.Ordinal)).ToList();
        rows.Should().HaveCountGreaterThan(100);
        rows.Where(l => l.EndsWith("|  |", StringComparison.Ordinal)).Should().BeEmpty("every option says what it does");
    }
}
