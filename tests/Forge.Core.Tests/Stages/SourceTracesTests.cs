using System.Text.Json;
using FluentAssertions;
using Forge.Contracts.Data;
using Forge.Core.Data;
using Xunit;

namespace Forge.Core.Tests.Stages;

/// <summary>Traces from a prompt source's rows: which column is the completion, and one line when a row has none.</summary>
public sealed class SourceTracesTests
{
    private sealed class Rows(params PromptRow[] rows) : IPromptSource
    {
        public string? Split { get; private set; }

        public int Seed { get; private set; }

        IEnumerable<PromptRow> IPromptSource.Rows(string split, int seed)
        {
            Split = split;
            Seed = seed;
            return rows;
        }
    }

    private static PromptRow Row(string id, string prompt, string columnsJson) =>
        new(id, prompt, JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(columnsJson)!);

    private const string Key = "Pipelines:p:Stages:0:CompletionColumn";

    [Fact]
    public void The_completion_is_a_string_column_or_an_element_of_a_list_of_strings()
    {
        var source = new Rows(
            Row("a", "What is 1+1?", """{"solution": "<think>1+1</think><answer>2</answer>", "generations": ["first", "second"]}"""),
            Row("b", "What is 2+2?", """{"solution": "4", "generations": ["g1", "g2"]}"""));

        var traces = SourceTraces.Read(source, "solution", 7, Key);
        source.Split.Should().Be("train");
        source.Seed.Should().Be(7);
        traces.Select(t => (t.Row.Id, t.Row.Prompt, t.Completion)).Should().Equal(("a", "What is 1+1?", "<think>1+1</think><answer>2</answer>"), ("b", "What is 2+2?", "4"));
        traces.Should().OnlyContain(t => t.Row.Columns.Count == 0, "the other columns are not kept in memory");
        SourceTraces.Read(source, "generations", 7, Key).Select(t => t.Completion).Should().Equal("first", "g1");
        SourceTraces.Read(source, "generations[1]", 7, Key).Select(t => t.Completion).Should().Equal("second", "g2");
    }

    [Theory]
    [InlineData("answer", $"{Key}: row 'b' has no column 'answer' (its columns: generations, solution)")]
    [InlineData("generations[2]", $"{Key}: row 'a': 'generations[2]' is not a string (column 'generations' is a list of 2)")]
    [InlineData("solution[0]", $"{Key}: row 'a': 'solution[0]' is not a string (column 'solution' holds string)")]
    [InlineData("level", $"{Key}: row 'a': 'level' is not a string (column 'level' holds number)")]
    [InlineData("generations[x]", $"{Key}: 'generations[x]' is neither a column name nor name[i] with an index i ≥ 0")]
    [InlineData(" ", $"{Key}: empty; name the column that holds the completion")]
    public void A_row_without_a_string_there_or_a_malformed_column_is_one_line_naming_the_setting_and_the_row(string column, string expected)
    {
        var source = new Rows(
            Row("a", "p", """{"solution": "s", "generations": ["x", "y"], "level": 3, "answer": "2"}"""),
            Row("b", "q", """{"solution": "s", "generations": ["x", "y"]}"""));
        var act = () => SourceTraces.Read(source, column, 0, Key);
        act.Should().Throw<ForgeDataException>().Which.Message.Should().Be(expected);
    }
}
