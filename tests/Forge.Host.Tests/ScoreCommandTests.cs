using System.Text.Json;
using Forge.Host.Tests.Support;

namespace Forge.Host.Tests;

public class ScoreCommandTests
{
    [Fact]
    public void Prints_one_json_line_per_input_line_with_weighted_total()
    {
        using var dir = new TempDirectory();
        string input = dir.Write("in.jsonl",
            """{"prompt":"a","completion":"<think>x</think><answer>1</answer>"}""" + "\n\n" +
            """{"prompt":"b","completion":"no tags"}""" + "\n");

        var result = ForgeProcess.Run("score", "--rewards", "format", "--weights", "0.5", "--input", input, "--json");

        result.ExitCode.Should().Be(0, result.Error);
        var lines = result.OutLines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        lines.Should().HaveCount(2);
        lines[0].GetProperty("rewards").GetProperty("format").GetDouble().Should().Be(1);
        lines[0].GetProperty("total").GetDouble().Should().Be(0.5);
        lines[1].GetProperty("total").GetDouble().Should().Be(0);
    }

    [Fact]
    public void A_malformed_line_is_reported_with_its_line_number()
    {
        using var dir = new TempDirectory();
        string input = dir.Write("bad.jsonl", """{"prompt":"a","completion":"b"}""" + "\n" + "{not json\n");
        var result = ForgeProcess.Run("score", "--rewards", "format", "--input", input);
        result.ExitCode.Should().Be(2);
        result.Error.Should().StartWith($"error: {input}:2: invalid JSON");
    }

    [Fact]
    public void A_line_without_a_completion_is_reported_with_its_line_number()
    {
        using var dir = new TempDirectory();
        string input = dir.Write("bad.jsonl", """{"prompt":"a"}""" + "\n");
        var result = ForgeProcess.Run("score", "--rewards", "format", "--input", input);
        result.Error.Should().StartWith($"error: {input}:1: missing string field \"completion\"");
    }
}
