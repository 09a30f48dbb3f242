using System.Text.Json;
using Forge.Contracts.Models;
using Forge.Core.Prompts;
using Forge.Core.Tokenizers;

namespace Forge.Core.Tests.Tokenizers;

public class QwenTokenizerFixture
{
    public ITokenizer Tokenizer { get; } = TokenizerLoader.Load(Path.Combine(AppContext.BaseDirectory, "TestData", "tokenizers", "qwen3"));
}

public class TokenizerTests(QwenTokenizerFixture qwen) : IClassFixture<QwenTokenizerFixture>
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "TestData", "tokenizers");

    public static TheoryData<int> FixtureCases()
    {
        var data = new TheoryData<int>();
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "expected.json")));
        for (int i = 0; i < doc.RootElement.GetProperty("cases").GetArrayLength(); i++) data.Add(i);
        return data;
    }

    [Theory]
    [MemberData(nameof(FixtureCases))]
    public void Ids_and_decoding_are_identical_to_hugging_face(int index)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "expected.json")));
        var c = doc.RootElement.GetProperty("cases")[index];
        var tokenizer = TokenizerLoader.Load(Path.Combine(Root, "fixture"));
        var ids = tokenizer.Encode(c.GetProperty("text").GetString()!);
        ids.Should().Equal(c.GetProperty("ids").EnumerateArray().Select(v => v.GetInt32()));
        tokenizer.Decode(ids).Should().Be(c.GetProperty("decoded").GetString());
    }

    [Fact]
    public void Real_qwen_tokenizer_encodes_a_chat_turn_like_hugging_face()
    {
        qwen.Tokenizer.Encode("<|im_start|>user\nWhat is 12*7?<|im_end|>").Should()
            .Equal(151644, 872, 198, 3838, 374, 220, 16, 17, 9, 22, 30, 151645);
        qwen.Tokenizer.StopTokenIds.Should().Contain([151643, 151645]);
    }

    [Theory]
    [InlineData("数学推理：先思考，再回答。")]
    [InlineData("Emoji 🤖🧠 and accents: café, naïve, Ångström")]
    [InlineData("<think>\n2+2=4\n</think>\n<answer>4</answer><|endoftext|>")]
    [InlineData("  leading spaces\tand\r\nCRLF  ")]
    public void Real_qwen_tokenizer_round_trips(string text)
    {
        qwen.Tokenizer.Decode(qwen.Tokenizer.Encode(text)).Should().Be(text);
    }

    [Fact]
    public void Skipping_special_tokens_drops_them_from_the_text()
    {
        var ids = qwen.Tokenizer.Encode("<|im_start|>assistant\nhi<|im_end|>");
        qwen.Tokenizer.Decode(ids, skipSpecialTokens: true).Should().Be("assistant\nhi");
    }

    [Fact]
    public void Char_tokenizer_round_trips_keeps_tags_whole_and_reloads_from_json()
    {
        var tokenizer = CharTokenizer.Build(["0123456789+-*= ?Whatis"]);
        string text = "<think>3+4=7</think><answer>7</answer>";
        var ids = tokenizer.Encode(text);
        ids.Should().HaveCount(1 + 5 + 1 + 1 + 1 + 1);
        tokenizer.Decode(ids).Should().Be(text);
        tokenizer.Encode("é").Should().Equal(tokenizer.Encode("<unk>"));

        string dir = Path.Combine(Path.GetTempPath(), "forge-char-" + Guid.NewGuid().ToString("N"));
        tokenizer.Save(dir);
        var reloaded = TokenizerLoader.Load(dir);
        reloaded.Encode(text).Should().Equal(ids);
        reloaded.StopTokenIds.Should().Equal(tokenizer.StopTokenIds);
        reloaded.Decode([.. ids, reloaded.StopTokenIds[0]], skipSpecialTokens: true).Should().Be(text);
    }

    public static TheoryData<string, string> Malformed => new()
    {
        { "{", "not a valid tokenizer.json" },
        { "[]", "missing \"model\"" },
        { """{"model":{"type":"Unigram"}}""", "\"Unigram\" is not supported" },
        { """{"model":{"type":"BPE","merges":[]}}""", "lacks a \"vocab\"" },
        { """{"model":{"type":"BPE","vocab":{"a":0},"merges":["a b"]},"pre_tokenizer":{"type":"ByteLevel"}}""", "merge #1" },
        { """{"model":{"type":"BPE","vocab":{"a":0},"merges":[]},"pre_tokenizer":{"type":"Whitespace"}}""", "\"Whitespace\" is not supported" },
        { """{"model":{"type":"BPE","vocab":{"a":0},"merges":[]},"pre_tokenizer":{"nottype":1}}""", "malformed tokenizer.json" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_tokenizer_json_is_one_clear_line_naming_the_file(string content, string message)
    {
        string path = Path.Combine(Path.GetTempPath(), $"forge-tok-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, content);
        var act = () => TokenizerLoader.Load(path);
        act.Should().Throw<ForgeDataException>().Which.Message.Should().StartWith(path).And.Contain(message).And.NotContain("\n");
    }

    [Fact]
    public void Templates_render_exactly()
    {
        PromptTemplate.Parse("r1").Format("What is 2+3?").Should().EndWith("<answer> answer here </answer>. User: What is 2+3?. Assistant:")
            .And.StartWith("A conversation between User and Assistant.");
        PromptTemplate.Parse("chatml").Format("hi").Should().Be("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n");
        PromptTemplate.Parse("chatml:Be brief.").Format("hi").Should().Be("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n");
        PromptTemplate.Parse("Q: {prompt}\nA:").Format("2+2?").Should().Be("Q: 2+2?\nA:");
        ((Action)(() => PromptTemplate.Parse("nonsense"))).Should().Throw<ForgeDataException>();
    }
}
