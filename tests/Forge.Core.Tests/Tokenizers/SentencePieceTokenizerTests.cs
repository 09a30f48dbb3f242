using System.Diagnostics;
using System.Text.Json;
using Forge.Contracts.Models;
using Forge.Core.Tokenizers;

namespace Forge.Core.Tests.Tokenizers;

/// <summary>The real Mistral v0.1 and Llama 2 tokenizer.json files (32,000 ids each), loaded once for the class.</summary>
public sealed class SentencePieceTokenizerFixture
{
    public ITokenizer Mistral { get; } = TokenizerLoader.Load(Path.Combine(TokenizerCase.Root, "mistral-v0.1"));

    public ITokenizer Llama2 { get; } = TokenizerLoader.Load(Path.Combine(TokenizerCase.Root, "llama2"));

    public ITokenizer Get(string name) => name == "llama2" ? Llama2 : Mistral;
}

/// <summary>
/// SentencePiece-style BPE against Hugging Face tokenizers 0.23.2 (TestData/tokenizers/README.md says how the expected
/// files were made): the files' own legacy layout, and the Metaspace layouts of newer conversions as variants.
/// </summary>
public class SentencePieceTokenizerTests(SentencePieceTokenizerFixture fixture) : IClassFixture<SentencePieceTokenizerFixture>
{
    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (string name in new[] { "mistral-v0.1", "llama2" })
            for (int i = 0; i < TokenizerCase.Read($"{name}/expected.json").Count; i++) data.Add(name, i);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Ids_and_decoding_are_identical_to_hugging_face(string name, int index)
    {
        var c = TokenizerCase.Read($"{name}/expected.json")[index];
        var tokenizer = fixture.Get(name);
        if (c.Text is not null) tokenizer.Encode(c.Text).Should().Equal(c.Ids, "HF encodes {0} so", JsonSerializer.Serialize(c.Text));
        tokenizer.Decode(c.Ids).Should().Be(c.Decoded);
        tokenizer.Decode(c.Ids, skipSpecialTokens: true).Should().Be(c.Skipped);
    }

    public static TheoryData<string, string> Variants()
    {
        var data = new TheoryData<string, string>();
        foreach (string name in new[] { "mistral-v0.1", "llama2" })
        {
            using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(TokenizerCase.Root, name, "variants-expected.json")));
            foreach (var variant in document.RootElement.EnumerateObject()) data.Add(name, variant.Name);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Metaspace_layouts_give_hugging_face_ids(string name, string variant)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(TokenizerCase.Root, name, "variants-expected.json")));
        var spec = document.RootElement.GetProperty(variant);
        var tokenizer = WithSections(name, spec);
        foreach (var c in TokenizerCase.Parse(spec.GetProperty("cases")))
        {
            if (c.Text is not null) tokenizer.Encode(c.Text).Should().Equal(c.Ids, "HF encodes {0} so", JsonSerializer.Serialize(c.Text));
            tokenizer.Decode(c.Ids).Should().Be(c.Decoded, "HF decodes [{0}] so", string.Join(", ", c.Ids));
            tokenizer.Decode(c.Ids, skipSpecialTokens: true).Should().Be(c.Skipped);
        }
    }

    [Fact]
    public void Stop_pad_bos_and_size_follow_the_config()
    {
        foreach (var tokenizer in new[] { fixture.Mistral, fixture.Llama2 })
        {
            tokenizer.VocabSize.Should().Be(32000);
            tokenizer.StopTokenIds.Should().Equal(2); // </s>
            tokenizer.PadTokenId.Should().Be(2, "no pad token is configured: the first stop");
            ((SentencePieceBpeTokenizer)tokenizer).BosTokenId.Should().Be(1);
        }
    }

    [Theory]
    [InlineData("<s>[INST] What is 12*7? [/INST] 12*7 = 84.</s>")]
    [InlineData("数学推理：先思考，再回答。𠀀 🤖🧠👨‍👩‍👧")]
    [InlineData("def f(x):\n    return x**2\n")]
    public void Round_trips_text_that_does_not_start_with_a_space(string text)
    {
        // Decoding strips the one space the normalizer put in front; "<s>" is not stripped, so the next word keeps its.
        var tokenizer = fixture.Mistral;
        string expected = text.StartsWith("<s>", StringComparison.Ordinal) ? "<s> " + text[3..] : text;
        tokenizer.Decode(tokenizer.Encode(text)).Should().Be(expected);
    }

    [Fact]
    public void Encodes_a_long_text_quickly()
    {
        // The legacy layout has no pre-tokenizer: the whole text between added tokens is one word for the merges.
        string text = string.Concat(Enumerable.Repeat("Let's think step by step: 12*7 = 84. 数学推理 🤖\n", 1000));
        var clock = Stopwatch.StartNew();
        var ids = fixture.Llama2.Encode(text);
        fixture.Llama2.Decode(ids).Should().Be(text);
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5));
    }

    /// <summary>The tokenizer of <paramref name="name"/> with a variant's normalizer, pre_tokenizer and decoder.</summary>
    private static ITokenizer WithSections(string name, JsonElement spec)
    {
        string source = Path.Combine(TokenizerCase.Root, name, "tokenizer.json.gz");
        using var gz = new System.IO.Compression.GZipStream(File.OpenRead(source), System.IO.Compression.CompressionMode.Decompress);
        var root = System.Text.Json.Nodes.JsonNode.Parse(gz)!.AsObject();
        root["normalizer"] = spec.TryGetProperty("normalizer", out var n) ? System.Text.Json.Nodes.JsonNode.Parse(n.GetRawText()) : null;
        root["pre_tokenizer"] = System.Text.Json.Nodes.JsonNode.Parse(spec.GetProperty("pre_tokenizer").GetRawText());
        if (spec.TryGetProperty("decoder", out var d)) root["decoder"] = System.Text.Json.Nodes.JsonNode.Parse(d.GetRawText());
        string dir = Directory.CreateTempSubdirectory("forge-sp-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "tokenizer.json"), root.ToJsonString());
            return TokenizerLoader.Load(dir);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
