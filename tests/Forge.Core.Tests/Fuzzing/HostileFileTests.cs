using System.IO.Compression;
using System.Text;
using Forge.Core.Checkpoints;
using Forge.Core.Data;
using Forge.Core.Models;
using Forge.Core.Pipelines;
using Forge.Core.Prompts;
using Forge.Core.Reports;
using Forge.Core.Tokenizers;

namespace Forge.Core.Tests.Fuzzing;

/// <summary>
/// Every reader of a user's file, given a FIFO, a link to /dev/zero, a folder, a file over its limit, invalid UTF-8 or
/// a line with no end: one <see cref="ForgeDataException"/> line naming the file (and line) within seconds — never a
/// hang, never reading until memory runs out.
/// </summary>
public sealed class HostileFileTests : IDisposable
{
    private static readonly string Data = Path.Combine(AppContext.BaseDirectory, "TestData");
    private readonly HostileFiles _files = new();

    public void Dispose() => _files.Dispose();

    /// <summary>Each reader, by the file name it reads, and how to call it on that file.</summary>
    private static readonly Dictionary<string, (string Name, Action<string> Read)> Readers = new()
    {
        ["config"] = ("config.json", path => ModelConfig.Load(path)),
        ["tokenizer"] = ("tokenizer.json", path => TokenizerLoader.Load(path)),
        ["tokenizer_config"] = ("tokenizer_config.json", path => TokenizerLoader.Load(WithFixtureTokenizer(path))),
        ["safetensors"] = ("model.safetensors", path => SafetensorsHeader.Read(path)),
        ["index"] = ("model.safetensors.index.json", path => CheckpointLoader.WeightFiles(Path.GetDirectoryName(path)!)),
        ["jsonl"] = ("traces.jsonl", path => CompletionFile.Read(path)),
        ["forge.json"] = ("forge.json", path => CheckpointTemplate.Read(Path.GetDirectoryName(path)!)),
        ["chat_template"] = ("tokenizer_config.json", path => ChatTemplate.TryLoad(Path.GetDirectoryName(path)!)),
        ["chat_template.jinja"] = ("chat_template.jinja", path => ChatTemplate.TryLoad(Path.GetDirectoryName(path)!)),
        ["summary"] = ("summary.json", path => RunSummary.Read(Path.GetDirectoryName(path)!)),
        ["metrics"] = ("metrics.jsonl", path => MetricsFile.Read(path)),
    };

    /// <summary>A real tokenizer.json beside <paramref name="configPath"/> (a hostile tokenizer_config.json); returns it.</summary>
    private static string WithFixtureTokenizer(string configPath)
    {
        string tokenizer = Path.Combine(Path.GetDirectoryName(configPath)!, "tokenizer.json");
        File.Copy(Path.Combine(Data, "tokenizers", "fixture", "tokenizer.json"), tokenizer);
        return tokenizer;
    }

    public static TheoryData<string, string> ReaderAndKind()
    {
        var data = new TheoryData<string, string>();
        foreach (string reader in Readers.Keys)
            foreach (string kind in HostileFiles.Kinds)
                data.Add(reader, kind);
        return data;
    }

    private static void ShouldRefuse(Exception? error, string path, string problem)
    {
        error.Should().BeOfType<ForgeDataException>($"a one-line refusal is expected, got {error}");
        error!.Message.Should().Contain(path).And.Contain(problem).And.NotContain("\n");
    }

    [Theory]
    [MemberData(nameof(ReaderAndKind))]
    public void A_fifo_a_link_to_dev_zero_or_a_folder_is_refused_within_seconds(string reader, string kind)
    {
        var (name, read) = Readers[reader];
        string path = _files.Make(kind, name);
        string problem = kind switch { "fifo" => "is a FIFO", "dev-zero" => "is a character device", _ when reader == "tokenizer" => "no tokenizer.json in this folder", _ => "is a folder" };

        ShouldRefuse(HostileFiles.Within(10, () => read(path)), path, problem);
    }

    [Theory]
    [InlineData("config")]
    [InlineData("tokenizer")]
    [InlineData("tokenizer_config")]
    [InlineData("index")]
    [InlineData("forge.json")]
    [InlineData("chat_template")]
    [InlineData("chat_template.jinja")]
    [InlineData("summary")]
    public void A_file_over_its_limit_is_refused_before_it_is_read(string reader)
    {
        var (name, read) = Readers[reader];
        long limit = reader == "tokenizer" ? BoundedFile.TokenizerBytes : BoundedFile.SmallJsonBytes;
        string path = _files.Sparse(Path.Combine(Guid.NewGuid().ToString("N"), name), limit + 1);

        ShouldRefuse(HostileFiles.Within(10, () => read(path)), path, "too large");
    }

    [Fact]
    public void A_gzip_tokenizer_is_limited_by_what_it_decompresses_to()
    {
        var zipped = new MemoryStream();
        using (var gzip = new GZipStream(zipped, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(new byte[1 << 20]);
        zipped.Position = 0;
        using var stream = new GZipStream(zipped, CompressionMode.Decompress);

        var act = () => BoundedFile.ReadAllText(stream, 1000, "bomb.json.gz", "tokenizer.json");

        act.Should().Throw<ForgeDataException>().WithMessage("bomb.json.gz: more than 1000 bytes is too large for a tokenizer.json file (limit 1000 bytes)");
    }

    [Theory]
    [InlineData("config")]
    [InlineData("tokenizer")]
    [InlineData("chat_template.jinja")]
    [InlineData("summary")]
    public void Invalid_utf8_is_refused_naming_the_byte(string reader)
    {
        var (name, read) = Readers[reader];
        string path = _files.Write(Path.Combine(Guid.NewGuid().ToString("N"), name), [.. "{\"model_type\": \""u8, 0xFF, 0xFE, .. "\"}"u8]);

        ShouldRefuse(HostileFiles.Within(10, () => read(path)), path, "not valid UTF-8 (byte offset 16)");
    }

    [Fact]
    public void A_jsonl_line_that_is_not_utf8_is_named_by_number()
    {
        string path = _files.Write("bad.jsonl", [.. """{"prompt":"a","completion":"b"}"""u8, (byte)'\n', .. "{\"prompt\":\""u8, 0xFF, .. "\",\"completion\":\"b\"}\n"u8]);

        ShouldRefuse(HostileFiles.Within(10, () => CompletionFile.Read(path)), path + ":2:", "not valid UTF-8 (byte offset 11 of the line)");
    }

    [Fact]
    public void A_string_escaping_half_a_surrogate_pair_is_named_by_line_before_any_reader_meets_it()
    {
        string path = _files.Write("surrogate.jsonl", [.. """{"prompt":"a","completion":"b"}"""u8, (byte)'\n', .. """{"prompt":"a","completion":"b","answer":"\ud800"}"""u8]);

        ShouldRefuse(HostileFiles.Within(10, () => CompletionFile.Read(path)), path + ":2:", "invalid JSON (a string escapes half of a surrogate pair");
    }

    [Theory]
    [InlineData("jsonl")]
    [InlineData("metrics")]
    public void A_line_with_no_end_is_refused_at_the_line_limit(string reader)
    {
        var (name, read) = Readers[reader];
        string first = reader == "jsonl" ? """{"prompt":"1+1","completion":"2"}""" : """{"stage":"s","step":0,"loss":1}""";
        string path = _files.Sparse(name, BoundedFile.LineBytes + 1024L);
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write)) stream.Write(Encoding.UTF8.GetBytes(first + "\n"));

        ShouldRefuse(HostileFiles.Within(10, () => read(path)), path + ":2:", "line is longer than 16 MiB");
    }

    [Fact]
    public void Lines_keep_their_numbers_across_blank_lines_crlf_and_a_byte_order_mark()
    {
        string path = _files.Write("ok.jsonl", [0xEF, 0xBB, 0xBF, .. "{\"a\":1}\r\n\n{\"a\":2}"u8]);

        BoundedFile.ReadLines(path, "test").Should().Equal((1, "{\"a\":1}"), (2, ""), (3, "{\"a\":2}"));
    }
}
