using System.Diagnostics;
using System.Text.Json;
using Forge.Contracts.Models;
using Forge.Core.Tokenizers;
using Xunit.Abstractions;

namespace Forge.Core.Tests.Tokenizers;

/// <summary>The real Qwen3 tokenizer (151,669 ids), loaded once for the class from its gzipped tokenizer.json.</summary>
public sealed class QwenTokenizerFixture
{
    public QwenTokenizerFixture()
    {
        var clock = Stopwatch.StartNew();
        Tokenizer = TokenizerLoader.Load(Path.Combine(TokenizerCase.Root, "qwen3"));
        LoadTime = clock.Elapsed;
    }

    public ITokenizer Tokenizer { get; }

    public TimeSpan LoadTime { get; }
}

public class QwenTokenizerTests(QwenTokenizerFixture qwen, ITestOutputHelper output) : IClassFixture<QwenTokenizerFixture>
{
    private ITokenizer Tokenizer => qwen.Tokenizer;

    [Fact]
    public void Encodes_a_chat_turn_like_hugging_face()
    {
        var clock = Stopwatch.StartNew();
        var ids = Tokenizer.Encode("<|im_start|>user\nWhat is 12*7?<|im_end|>");
        output.WriteLine($"Qwen3 tokenizer: loaded in {qwen.LoadTime.TotalMilliseconds:F0} ms, first encode {clock.Elapsed.TotalMilliseconds:F1} ms");
        ids.Should().Equal(151644, 872, 198, 3838, 374, 220, 16, 17, 9, 22, 30, 151645);
    }

    [Fact]
    public void Stop_pad_and_size_follow_the_config()
    {
        Tokenizer.VocabSize.Should().Be(151669);
        Tokenizer.StopTokenIds.Should().Equal(151645, 151643); // eos <|im_end|>, then <|endoftext|>
        Tokenizer.PadTokenId.Should().Be(151643);
    }

    public static TheoryData<int> Cases => TokenizerCase.Indices("qwen3/expected.json");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Ids_and_decoding_are_identical_to_hugging_face(int index)
    {
        var c = TokenizerCase.Read("qwen3/expected.json")[index];
        if (c.Text is not null) Tokenizer.Encode(c.Text).Should().Equal(c.Ids, "HF encodes {0} so", JsonSerializer.Serialize(c.Text));
        Tokenizer.Decode(c.Ids).Should().Be(c.Decoded);
        Tokenizer.Decode(c.Ids, skipSpecialTokens: true).Should().Be(c.Skipped);
    }

    [Theory]
    [InlineData("数学推理：先思考，再回答。日本語 한국어")]
    [InlineData("Emoji 🤖🧠👨‍👩‍👧 and accents: café, naïve, Ångström")]
    [InlineData("<|im_start|>assistant\n<think>\n2+2=4\n</think>\n<answer>4</answer><|im_end|><|endoftext|>")]
    [InlineData("  leading spaces\tand\r\nCRLF  ")]
    public void Round_trips(string text)
    {
        Tokenizer.Decode(Tokenizer.Encode(text)).Should().Be(text);
    }

    [Fact]
    public void Special_tokens_are_single_ids_and_skipping_drops_only_control_tokens()
    {
        var ids = Tokenizer.Encode("<|im_start|>assistant\n<think>hi</think><|im_end|>");
        ids.Should().HaveCount(7).And.Contain([151644, 151667, 151668, 151645]);
        // <think> is an added token but not a special one: it stays, as in transformers.
        Tokenizer.Decode(ids, skipSpecialTokens: true).Should().Be("assistant\n<think>hi</think>");
    }

    [Fact]
    public void A_lone_surrogate_reads_as_the_replacement_character()
    {
        // Hugging Face cannot receive one (its strings are UTF-8); UTF-8 encoding would make it U+FFFD.
        Tokenizer.Encode("a\uD800b\uDC00").Should().Equal(Tokenizer.Encode("a\uFFFDb\uFFFD"));
    }

    [Fact]
    public void Encodes_a_long_text_quickly()
    {
        string text = string.Concat(Enumerable.Repeat("Let's think step by step: 12*7 = 84. 数学推理 🤖\n", 1000));
        var clock = Stopwatch.StartNew();
        var ids = Tokenizer.Encode(text);
        output.WriteLine($"encoded {text.Length} chars into {ids.Count} ids in {clock.Elapsed.TotalMilliseconds:F0} ms");
        Tokenizer.Decode(ids).Should().Be(text);
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5));
    }
}
