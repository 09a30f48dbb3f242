using System.Text.Json.Nodes;
using Forge.Host.Cli;
using Forge.Host.Runs;

namespace Forge.Host.Tests;

/// <summary>
/// What counts as a change of configuration on <c>--resume</c> (<see cref="ConfigurationChanges"/>): a value, not its
/// spelling — numbers by value, keys ignoring case as configuration does — and a key set on one side only is named
/// itself, with <c>(none)</c> for the side without it.
/// </summary>
public class ConfigurationChangesTests
{
    private static IReadOnlyList<ConfigurationChange> Between(string before, string after) =>
        ConfigurationChanges.Between(JsonNode.Parse(before, new JsonNodeOptions { PropertyNameCaseInsensitive = true }),
            JsonNode.Parse(after, new JsonNodeOptions { PropertyNameCaseInsensitive = true }), "S", key => key == "S:Ignored");

    [Fact]
    public void The_same_values_spelled_otherwise_are_no_change()
    {
        Between("""{"Rate":0.001,"Steps":[1,2],"Inner":{"Name":"a"}}""", """{"rate":1e-3,"Steps":[1,2.0],"INNER":{"name":"a"}}""")
            .Should().BeEmpty();
        Between("""{"Ignored":1,"Empty":{}}""", """{"Ignored":2}""").Should().BeEmpty("an empty section is no setting");
    }

    [Fact]
    public void Each_changed_key_is_named_with_both_values()
    {
        Between("""{"Rate":0.001,"Name":"a","Steps":[1,2],"Gone":true}""", """{"Rate":0.002,"Name":"b","Steps":[1],"New":{"Beta":0.5}}""")
            .Select(c => c.ToString()).Should().Equal(
                "S:Rate (0.001 -> 0.002)", "S:Name (a -> b)", "S:Steps:1 (2 -> (none))", "S:New:Beta ((none) -> 0.5)", "S:Gone (true -> (none))");
    }

    [Fact]
    public void The_resume_command_line_of_an_overwriting_run_does_not_overwrite()
    {
        ResumeCommandLine.For(["run", "--config", "c.json", "--output", "runs/a", "--overwrite"], "/abs/runs/a")
            .Should().Be("forge run --config c.json --output /abs/runs/a --resume");
    }
}
