using System.Text;
using Forge.Contracts.Plugins;
using Parquet;
using static Forge.Plugins.Tasks.Tests.ParquetFixture;

namespace Forge.Plugins.Tasks.Tests;

public class DatasetSourceTests
{
    private static DatasetSource Source(string path, Action<DatasetSourceOptions>? configure = null)
    {
        var options = new DatasetSourceOptions { Path = path, TestPercent = 0, ShuffleBuffer = 0 };
        configure?.Invoke(options);
        return new DatasetSource(options);
    }

    [Fact]
    public void Jsonl_reads_gsm8k_style_rows_and_keeps_other_columns()
    {
        string path = Path.GetTempFileName();
        File.WriteAllLines(path, [
            """{"question":"Tom has 3 apples and buys 4. How many?","answer":"3 + 4 = 7\n#### 7","level":2}""",
            """{"prompt":"2+2?","answer":4}""",
        ]);
        var rows = Source(path).Rows("train", 0).ToList();
        rows[0].Prompt.Should().StartWith("Tom has");
        rows[0].GetString("answer").Should().Be("7");
        rows[0].GetString("level").Should().Be("2");
        rows[0].Columns.Should().NotContainKey("question");
        rows[1].GetString("answer").Should().Be("4");
        rows[1].Id.Should().Be($"{Path.GetFileName(path)}:2");
    }

    [Fact]
    public void A_default_solution_column_gives_a_gold_answer_only_where_it_marks_one()
    {
        string path = Path.GetTempFileName();
        File.WriteAllLines(path, ["""{"problem":"a","solution":"so \\boxed{3}"}""", """{"problem":"b","solution":"prose, no answer"}"""]);
        Source(path).Rows("train", 0).Select(r => r.GetString("answer")).Should().Equal("3", null);
        Source(path, o => o.Columns.Answer = "solution").Rows("train", 0).Select(r => r.GetString("answer")).Should().Equal("3", "prose, no answer");
    }

    [Fact]
    public void Jsonl_bad_line_names_file_and_line()
    {
        string path = Path.GetTempFileName();
        File.WriteAllLines(path, ["""{"prompt":"a","answer":"1"}""", "", "[1,2]"]);
        var act = () => Source(path).Rows("train", 0).ToList();
        act.Should().Throw<PluginInputException>().WithMessage($"{path}:3: expected a JSON object, found array");
    }

    [Fact]
    public void Jsonl_prompt_of_the_wrong_kind_names_line_and_setting()
    {
        string path = Path.GetTempFileName();
        File.WriteAllLines(path, ["""{"q":"a"}""", """{"q":["a"]}"""]);
        var act = () => Source(path, o => o.Columns.Prompt = "q").Rows("train", 0).ToList();
        act.Should().Throw<PluginInputException>().WithMessage($"{path}:2: \"q\" (Columns:Prompt) is a list, not a string");
    }

    [Fact]
    public void Parquet_gsm8k_rows_stream_in_file_order_over_row_groups()
    {
        string folder = Folder();
        string path = Write(Path.Combine(folder, "train-00000-of-00001.parquet"),
            Enumerable.Range(0, 25).Select(i => new Gsm8k { Question = $"q{i}: {i} + 1?", Answer = $"{i} + 1 = {i + 1}\n#### {i + 1}" }),
            rowGroupSize: 10, compression: CompressionMethod.Zstd);
        var rows = Source(path).Rows("train", 0).ToList();
        rows.Select(r => r.Prompt).Should().Equal(Enumerable.Range(0, 25).Select(i => $"q{i}: {i} + 1?"));
        rows.Select(r => r.GetString("answer")).Should().Equal(Enumerable.Range(1, 25).Select(i => i.ToString()));
        rows[24].Id.Should().Be("train-00000-of-00001.parquet:24");
    }

    [Fact]
    public void Parquet_math_answer_comes_from_the_last_boxed_of_the_solution_and_keep_limits_the_columns()
    {
        string path = Write(Path.Combine(Folder(), "math.parquet"), [
            new ParquetFixture.Math { Problem = "Half of one?", Solution = @"We try \boxed{2} first, then $\boxed{\frac{1}{2}}$.", Level = "Level 2", Type = "Algebra" },
            new ParquetFixture.Math { Problem = "No box?", Solution = "It is 5", Level = "Level 1", Type = "Prealgebra" },
        ]);
        var rows = Source(path, o => o.Columns.Keep = ["level"]).Rows("train", 0).ToList();
        rows[0].Prompt.Should().Be("Half of one?");
        rows[0].GetString("answer").Should().Be(@"\frac{1}{2}");
        rows[0].Columns.Keys.Should().BeEquivalentTo("level", "answer");
        rows[1].GetString("answer").Should().BeNull("a solution found by default counts only where it marks its answer");
    }

    [Fact]
    public void Parquet_lists_structs_and_nulls_reach_the_row_as_json()
    {
        string path = Write(Path.Combine(Folder(), "openr1.parquet"), [
            new OpenR1
            {
                Problem = "1+1?", Solution = @"\boxed{2}", Answer = "2", Uuid = 7, Generations = ["a", "b"],
                Messages = [new Message { Role = "user", Content = "1+1?" }, new Message { Role = "assistant", Content = "2" }],
            },
            new OpenR1 { Problem = "unknown?", Solution = null, Answer = null, Uuid = 8, Generations = [], Messages = null },
        ], compression: CompressionMethod.Snappy);
        var rows = Source(path).Rows("train", 0).ToList();
        rows[0].GetString("answer").Should().Be("2");
        rows[0].GetString("uuid").Should().Be("7");
        rows[0].TryGet<string[]>("generations", out var generations).Should().BeTrue();
        generations.Should().Equal("a", "b");
        rows[0].TryGet<List<Dictionary<string, string>>>("messages", out var messages).Should().BeTrue();
        messages!.Select(m => (m["role"], m["content"])).Should().Equal(("user", "1+1?"), ("assistant", "2"));
        rows[1].GetString("answer").Should().BeNull("a null answer is no answer");
        rows[1].GetString("solution").Should().BeNull();
        rows[1].GetString("generations").Should().Be("[]", "an empty list is not a null one");
        rows[1].GetString("messages").Should().BeNull();
    }

    [Fact]
    public void Parquet_reads_one_row_group_at_a_time()
    {
        string path = Write(Path.Combine(Folder(), "big.parquet"),
            Enumerable.Range(0, 30).Select(i => new Gsm8k { Question = $"q{i}", Answer = $"{i}" }), rowGroupSize: 10, compression: CompressionMethod.None);
        long lastGroup = LastRowGroupOffset(path);
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            file.Position = lastGroup;
            file.Write(Enumerable.Repeat((byte)0xFF, 16).ToArray());
        }
        var source = Source(path);
        source.Rows("train", 0).Take(20).Select(r => r.Prompt).Should().Equal(Enumerable.Range(0, 20).Select(i => $"q{i}"));
        var act = () => source.Rows("train", 0).ToList();
        act.Should().Throw<PluginInputException>().WithMessage($"{path}: row group 2: cannot read (*");
    }

    [Fact]
    public void Hash_split_is_disjoint_complete_and_fixed_by_the_key()
    {
        string path = Write(Path.Combine(Folder(), "all.parquet"),
            Enumerable.Range(0, 200).Select(i => new Gsm8k { Question = $"question {i % 100}", Answer = $"{i}" }), rowGroupSize: 64);
        var options = (DatasetSourceOptions o) => { o.TestPercent = 30; o.ShuffleBuffer = 50; };
        var train = Source(path, options).Rows("train", 1).ToList();
        var test = Source(path, options).Rows("test", 2).ToList();

        train.Count.Should().Be(200 - test.Count);
        train.Select(r => r.Prompt).Should().NotIntersectWith(test.Select(r => r.Prompt), "rows with one key land in one split");
        // The split is FNV-1a of the key's UTF-8 bytes, so it is the same on every run and machine.
        test.Select(r => r.Prompt).Distinct().Should().BeEquivalentTo(
            Enumerable.Range(0, 100).Select(i => $"question {i}").Where(q => Fnv1a(q) % 100 < 30));
        test.Should().NotBeEmpty();
        Source(path, options).Rows("train", 1).Select(r => r.Id).Should().Equal(train.Select(r => r.Id), "the same seed gives the same order");
        var fileOrder = Source(path, o => o.TestPercent = 30).Rows("train", 1).Select(r => r.Id).ToList();
        train.Select(r => r.Id).Should().BeEquivalentTo(fileOrder).And.NotEqual(fileOrder, "the buffer shuffles");
        Source(path, options).Rows("train", 2).Select(r => r.Id).Should().NotEqual(train.Select(r => r.Id), "another seed, another order");
    }

    [Fact]
    public void Split_key_chooses_the_hashed_column()
    {
        string path = Path.GetTempFileName();
        File.WriteAllLines(path, Enumerable.Range(0, 60).Select(i => $$"""{"prompt":"p{{i}}","group":"g{{i % 3}}"}"""));
        var test = Source(path, o => { o.TestPercent = 50; o.SplitKey = "group"; }).Rows("test", 0).ToList();
        test.Select(r => r.GetString("group")).Distinct().Should().BeEquivalentTo(new[] { "g0", "g1", "g2" }.Where(g => Fnv1a(g) % 100 < 50));
        test.Count.Should().Be(20 * new[] { "g0", "g1", "g2" }.Count(g => Fnv1a(g) % 100 < 50));
    }

    [Fact]
    public void Split_by_file_reads_matching_files_in_name_order()
    {
        string folder = Folder();
        Write(Path.Combine(folder, "train-00001-of-00002.parquet"), [new Gsm8k { Question = "b", Answer = "#### 2" }]);
        Write(Path.Combine(folder, "train-00000-of-00002.parquet"), [new Gsm8k { Question = "a", Answer = "#### 1" }]);
        Write(Path.Combine(folder, "test-00000-of-00001.parquet"), [new Gsm8k { Question = "t", Answer = "#### 3" }]);
        var source = Source(Path.Combine(folder, "train-*.parquet"), o => o.TestPath = Path.Combine(folder, "test-*.parquet"));
        source.Rows("train", 0).Select(r => r.Prompt).Should().Equal("a", "b");
        source.Rows("test", 0).Select(r => r.GetString("answer")).Should().Equal("3");
    }

    [Fact]
    public void Bad_parquet_input_is_one_line_naming_file_column_and_row()
    {
        string folder = Folder();
        string gsm8k = Write(Path.Combine(folder, "gsm8k.parquet"), [new Gsm8k { Question = "a", Answer = "1" }]);
        Source(gsm8k, o => o.Columns.Prompt = "quest").Invoking(s => s.Rows("train", 0).ToList()).Should().Throw<PluginInputException>()
            .WithMessage($"{gsm8k}: no column \"quest\" (Columns:Prompt); its columns: question, answer");
        Source(gsm8k, o => o.Columns.Keep = ["level"]).Invoking(s => s.Rows("train", 0).ToList()).Should().Throw<PluginInputException>()
            .WithMessage($"{gsm8k}: no column \"level\" (Columns:Keep); its columns: question, answer");

        string numeric = Write(Path.Combine(folder, "numeric.parquet"), [new NumericPrompt { Question = 3, Answer = "1" }]);
        Source(numeric).Invoking(s => s.Rows("train", 0).ToList()).Should().Throw<PluginInputException>()
            .WithMessage($"{numeric}: column \"question\" (Columns:Prompt) holds numbers (int64), not strings");

        string openR1 = Write(Path.Combine(folder, "openr1.parquet"), [new OpenR1 { Problem = "p", Generations = ["g"] }]);
        Source(openR1, o => o.Columns.Answer = "generations").Invoking(s => s.Rows("train", 0).ToList()).Should().Throw<PluginInputException>()
            .WithMessage($"{openR1}: column \"generations\" (Columns:Answer) holds lists of strings, not strings or numbers");

        string nulls = Write(Path.Combine(folder, "nulls.parquet"),
            Enumerable.Range(0, 6).Select(i => new Gsm8k { Question = i == 4 ? null : $"q{i}", Answer = "1" }), rowGroupSize: 3);
        Source(nulls).Invoking(s => s.Rows("train", 0).ToList()).Should().Throw<PluginInputException>()
            .WithMessage($"{nulls}: row group 1, row 1: \"question\" (Columns:Prompt) is null");

        string garbage = Path.Combine(folder, "garbage.parquet");
        File.WriteAllText(garbage, "this is not parquet at all");
        Source(garbage).Invoking(s => s.Rows("train", 0).ToList()).Should().Throw<PluginInputException>()
            .WithMessage($"{garbage}: not a readable Parquet file (*");

        Source(Path.Combine(folder, "nothing-*.parquet")).Invoking(s => s.Rows("train", 0).ToList()).Should().Throw<PluginInputException>()
            .WithMessage($"{Path.Combine(folder, "nothing-*.parquet")}: no file matches (Path)");
        Source("").Invoking(s => s.Rows("train", 0)).Should().Throw<PluginInputException>()
            .WithMessage("dataset: Path is not set (the JSONL or Parquet file(s) to read)");
        Source(Path.Combine(folder, "absent.parquet")).Invoking(s => s.Rows("train", 0).ToList()).Should().Throw<PluginInputException>()
            .WithMessage($"{Path.Combine(folder, "absent.parquet")}: dataset file not found");
    }

    [Theory]
    [InlineData("Natalia sold 48/2 = 24 clips in May.\n#### 72", "72")]
    [InlineData(@"So the answer is $\boxed{\dfrac{\sqrt{3}}{2}}$.", @"\dfrac{\sqrt{3}}{2}")]
    [InlineData(@"\boxed{1} or \boxed {x^{2}}", "x^{2}")]
    [InlineData(@"unbalanced \boxed{2", @"unbalanced \boxed{2")]
    [InlineData(" 42 ", "42")]
    public void Gold_answer_conventions(string text, string answer) => GoldAnswer.Extract(text).Should().Be(answer);

    private static long LastRowGroupOffset(string path)
    {
        using var stream = File.OpenRead(path);
        var reader = ParquetReader.CreateAsync(stream).GetAwaiter().GetResult();
        try
        {
            var chunk = reader.Metadata!.RowGroups[^1].Columns[0].MetaData!;
            return chunk.DictionaryPageOffset ?? chunk.DataPageOffset;
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static uint Fnv1a(string text)
    {
        uint hash = 2166136261;
        foreach (byte b in Encoding.UTF8.GetBytes(text)) hash = (hash ^ b) * 16777619;
        return hash;
    }
}
