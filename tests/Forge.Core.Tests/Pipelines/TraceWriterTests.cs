using System.Text.Json;
using Forge.Contracts.Data;
using Forge.Core.Data;
using Forge.Core.Rejection;

namespace Forge.Core.Tests.Pipelines;

public class TraceWriterTests
{
    [Fact]
    public void Writes_traces_that_the_sft_reader_reads_back_with_their_columns()
    {
        string path = Path.Combine(Path.GetTempPath(), "forge-tests", Guid.NewGuid().ToString("N"), "data", "rejection.jsonl");
        var row = new PromptRow("r1", "What is 1+1?", new Dictionary<string, JsonElement>
        {
            ["answer"] = JsonSerializer.SerializeToElement("2"),
            ["numbers"] = JsonSerializer.SerializeToElement(new[] { 1, 1 }),
        });
        using (var writer = new TraceWriter(path))
        {
            writer.Write(row, "<think>one plus one</think><answer>2</answer>", 12, new Dictionary<string, double?> { ["accuracy"] = 1, ["format"] = null });
            writer.Commit();
        }

        var read = CompletionFile.Read(path);
        read.Should().ContainSingle();
        read[0].Row.Id.Should().Be("r1");
        read[0].Row.Prompt.Should().Be("What is 1+1?");
        read[0].Completion.Should().Be("<think>one plus one</think><answer>2</answer>");
        read[0].CompletionTokens.Should().Be(12);
        read[0].Row.GetString("answer").Should().Be("2");
        read[0].Row.GetString("numbers").Should().Be("[1,1]");
        File.Exists(path + ".tmp").Should().BeFalse();
    }

    [Fact]
    public void An_unfinished_dataset_never_replaces_the_previous_one()
    {
        string path = Path.Combine(Path.GetTempPath(), "forge-tests", Guid.NewGuid().ToString("N"), "traces.jsonl");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "{\"prompt\":\"old\",\"completion\":\"kept\"}\n");
        using (var writer = new TraceWriter(path))
            writer.Write(new PromptRow("x", "new"), "lost", 1, new Dictionary<string, double?>());

        File.ReadAllText(path).Should().Contain("kept");
        File.Exists(path + ".tmp").Should().BeFalse();
    }
}
