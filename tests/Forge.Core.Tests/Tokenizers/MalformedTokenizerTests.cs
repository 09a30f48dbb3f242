using Forge.Core.Tokenizers;

namespace Forge.Core.Tests.Tokenizers;

public class MalformedTokenizerTests
{
    private const string Bpe = """{"type":"BPE","vocab":{"a":0,"b":1,"ab":2},"merges":["a b"]}""";
    private const string ByteLevel = """{"type":"ByteLevel","add_prefix_space":false,"use_regex":false}""";

    public static TheoryData<string, string> Cases => new()
    {
        { "{", "not a valid tokenizer.json" },
        { "[]", "missing \"model\"" },
        { """{"model":{"type":"Unigram","vocab":[]}}""", "\"Unigram\" is not supported" },
        { """{"model":{"type":"BPE","merges":[]}}""", "lacks a \"vocab\"" },
        { """{"model":{"type":"BPE","vocab":{"a":"zero"},"merges":[]}}""", "vocab entry \"a\"" },
        { """{"model":{"type":"BPE","vocab":{"a":0}}}""", "lacks a \"merges\"" },
        { """{"model":{"type":"BPE","vocab":{"a":0,"b":1},"merges":["a c"]},"pre_tokenizer":""" + ByteLevel + "}", "merge #1" },
        { """{"model":{"type":"BPE","vocab":{"a":0,"b":1},"merges":["a b"]},"pre_tokenizer":""" + ByteLevel + "}", "merge #1" },
        { """{"model":{"type":"BPE","vocab":{"a":0},"merges":[["a"]]},"pre_tokenizer":""" + ByteLevel + "}", "merge #1" },
        { """{"model":""" + Bpe + "}", "missing \"pre_tokenizer\"" },
        { """{"model":""" + Bpe + ""","pre_tokenizer":{"type":"Whitespace"}}""", "\"Whitespace\" is not supported" },
        { """{"model":""" + Bpe + ""","pre_tokenizer":{"type":"Split","pattern":{"Regex":"\\s"},"behavior":"Isolated"}}""", "only byte-level BPE" },
        { """{"model":""" + Bpe + ""","pre_tokenizer":{"type":"Split","pattern":{"Regex":"(["},"behavior":"Isolated"}}""", "regex cannot be used" },
        { """{"model":""" + Bpe + ""","pre_tokenizer":{"type":"Split","pattern":{"Regex":"a"},"behavior":"Sideways"}}""", "behavior \"Sideways\"" },
        { """{"model":""" + Bpe + ""","pre_tokenizer":{"nottype":1}}""", "lacks its \"type\"" },
        { """{"model":""" + Bpe + ""","pre_tokenizer":""" + ByteLevel + ""","normalizer":{"type":"Lowercase"}}""", "\"Lowercase\" is not supported" },
        { """{"model":""" + Bpe + ""","pre_tokenizer":""" + ByteLevel + ""","added_tokens":[{"content":"<x>"}]}""", "added token" },
        { """{"model":{"type":"BPE","byte_fallback":true,"vocab":{"a":0},"merges":[]},"pre_tokenizer":""" + ByteLevel + "}", "byte_fallback" },
        { """{"model":{"type":"BPE","byte_fallback":true,"unk_token":"<unk>","vocab":{"a":0},"merges":[]}}""", "unk_token \"<unk>\" is not in the vocabulary" },
        { """{"model":{"type":"BPE","byte_fallback":true,"vocab":{"a":0},"merges":[]},"decoder":{"type":"WordPiece"}}""", "decoder \"WordPiece\" is not supported" },
        { """{"model":{"type":"BPE","byte_fallback":true,"vocab":{"a":0},"merges":[]},"normalizer":{"type":"Replace","pattern":{"Regex":" +"},"content":"▁"}}""", "regex patterns are not supported" },
        { """{"model":{"type":"BPE","vocab":{"a":0},"merges":[]},"pre_tokenizer":{"type":"Metaspace","prepend_scheme":"sometimes"}}""", "prepend_scheme \"sometimes\"" },
        { """{"model":{"type":"WordLevel","vocab":{"a":0},"unk_token":"a"},"decoder":{"type":"Fuse"}}""", "lacks the added token \"<pad>\"" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Is_one_line_naming_the_file_and_the_problem(string content, string problem)
    {
        string path = Path.Combine(Path.GetTempPath(), $"forge-tok-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, content);
        try
        {
            var act = () => TokenizerLoader.Load(path);
            act.Should().Throw<ForgeDataException>().Which.Message.Should().StartWith(path + ": ").And.Contain(problem).And.NotContain("\n");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_missing_path_or_a_folder_without_tokenizer_json_is_named()
    {
        string dir = Directory.CreateTempSubdirectory("forge-empty-").FullName;
        ((Action)(() => TokenizerLoader.Load(dir))).Should().Throw<ForgeDataException>().WithMessage($"{dir}: no tokenizer.json*");
        ((Action)(() => TokenizerLoader.Load(dir + "/nope.json"))).Should().Throw<ForgeDataException>().WithMessage($"{dir}/nope.json: tokenizer not found*");
        Directory.Delete(dir);
    }

    [Fact]
    public void A_corrupt_gzip_is_named()
    {
        string path = Path.Combine(Path.GetTempPath(), $"forge-tok-{Guid.NewGuid():N}.json.gz");
        File.WriteAllText(path, "not gzip");
        ((Action)(() => TokenizerLoader.Load(path))).Should().Throw<ForgeDataException>().WithMessage($"{path}: not a valid tokenizer.json*");
        File.Delete(path);
    }
}
