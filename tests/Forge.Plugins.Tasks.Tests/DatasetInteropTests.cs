using System.Text.Json;
using Parquet;

namespace Forge.Plugins.Tasks.Tests;

/// <summary>
/// Parquet files written by other implementations read back row for row: TestData/parquet/pyarrow comes from
/// <c>tests/gpu/fixtures/parquet.sh</c> (pyarrow, as Hugging Face's <c>datasets</c> writes), TestData/parquet/arrow-rs
/// from <c>TestData/make-arrow-rs-parquet.mjs</c> (the same rows through arrow-rs); each expected.json holds every row
/// as written and its gold answer.
/// </summary>
public class DatasetInteropTests
{
    private static string Folder(string writer) => Path.Combine(AppContext.BaseDirectory, "TestData", "parquet", writer);

    private static JsonElement Expected(string writer)
    {
        string path = Path.Combine(Folder(writer), "expected.json");
        File.Exists(path).Should().BeTrue(writer == "pyarrow"
            ? $"{path} comes from tests/gpu/fixtures/parquet.sh (pyarrow, on the GPU machine): copy $OUT/parquet/ to TestData/parquet/pyarrow/"
            : $"{path} comes from TestData/make-arrow-rs-parquet.mjs");
        return JsonDocument.Parse(File.ReadAllText(path)).RootElement;
    }

    [Theory]
    [InlineData("arrow-rs")]
    [InlineData("pyarrow")]
    public void Files_of_another_writer_read_back_row_for_row(string writer)
    {
        var files = Expected(writer).GetProperty("files").EnumerateArray().ToList();
        files.Should().HaveCountGreaterThanOrEqualTo(4);
        foreach (var file in files)
        {
            string name = file.GetProperty("file").GetString()!;
            string path = Path.Combine(Folder(writer), name);
            var mapping = file.GetProperty("mapping");
            var options = new DatasetSourceOptions { Path = path, TestPercent = 0, ShuffleBuffer = 0 };
            if (mapping.TryGetProperty("Prompt", out var prompt)) options.Columns.Prompt = prompt.GetString();
            if (mapping.TryGetProperty("Answer", out var answer)) options.Columns.Answer = answer.GetString();
            if (writer == "pyarrow" && name.StartsWith("numina/", StringComparison.Ordinal))
            {
                // pyarrow wrote this one with data page v2 and no dictionary; Parquet.Net 6.1 cannot read a nested
                // (repeated) column from a v2 page: the run stops with one line naming the file, row group and column.
                var read = () => new DatasetSource(options).Rows("train", 0).ToList();
                read.Should().Throw<Forge.Contracts.Plugins.PluginInputException>().Which.Message.Should().StartWith(
                    $"{path}: row group 0: cannot read (failed to read column 'messages/list/element/content'");
                continue;
            }
            var rows = new DatasetSource(options).Rows("train", 0).ToList();
            var expected = file.GetProperty("rows").EnumerateArray().ToList();
            var gold = file.GetProperty("gold").EnumerateArray().ToList();

            RowGroups(path).Should().Be(file.GetProperty("row_groups").GetInt32(), name);
            rows.Should().HaveCount(expected.Count, name);
            string promptColumn = options.Columns.Prompt
                ?? ColumnMapping.PromptCandidates.First(c => expected[0].TryGetProperty(c, out _));
            for (int i = 0; i < rows.Count; i++)
            {
                string where = $"{name} row {i}";
                rows[i].Prompt.Should().Be(expected[i].GetProperty(promptColumn).GetString(), where);
                rows[i].Id.Should().Be($"{Path.GetFileName(name)}:{i}", where);
                rows[i].GetString("answer").Should().Be(gold[i].ValueKind == JsonValueKind.Null ? null : gold[i].GetString(), where);
                foreach (var column in expected[i].EnumerateObject())
                {
                    if (column.Name == promptColumn || column.Name == "answer") continue;
                    rows[i].Columns.Should().ContainKey(column.Name, where);
                    JsonElement.DeepEquals(rows[i].Columns[column.Name], column.Value).Should()
                        .BeTrue($"{where} {column.Name}: read {rows[i].Columns[column.Name].GetRawText()}, pyarrow wrote {column.Value.GetRawText()}");
                }
            }
        }
    }

    [Theory]
    [InlineData("arrow-rs")]
    [InlineData("pyarrow")]
    public void Gsm8k_splits_by_file(string writer)
    {
        Expected(writer);
        var source = new DatasetSource(new DatasetSourceOptions
        {
            Path = Path.Combine(Folder(writer), "gsm8k", "train-*.parquet"),
            TestPath = Path.Combine(Folder(writer), "gsm8k", "test-*.parquet"),
        });
        source.Rows("train", 1).Should().HaveCount(40);
        source.Rows("test", 1).Select(r => r.GetString("answer")).Should().BeEquivalentTo(
            Enumerable.Range(0, 8).Select(i => (3 + i + 100 + 7 + 2 * i).ToString()));
    }

    private static int RowGroups(string path)
    {
        using var stream = File.OpenRead(path);
        var reader = ParquetReader.CreateAsync(stream).GetAwaiter().GetResult();
        try
        {
            return reader.RowGroupCount;
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
