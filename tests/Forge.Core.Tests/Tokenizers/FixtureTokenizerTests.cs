using System.Text.Json;
using System.Text.Json.Nodes;
using Forge.Core.Tokenizers;

namespace Forge.Core.Tests.Tokenizers;

/// <summary>The shared 400-token Qwen2-layout BPE, and the same vocabulary under other pre-tokenizers.</summary>
public class FixtureTokenizerTests
{
    private static readonly string Fixture = Path.Combine(TokenizerCase.Root, "fixture");

    public static TheoryData<int> FixtureCases => TokenizerCase.Indices("fixture/expected.json");

    [Theory]
    [MemberData(nameof(FixtureCases))]
    public void Ids_and_decoding_are_identical_to_transformers(int index)
    {
        var c = TokenizerCase.Read("fixture/expected.json")[index];
        var tokenizer = TokenizerLoader.Load(Fixture);
        tokenizer.Encode(c.Text!).Should().Equal(c.Ids);
        tokenizer.Decode(c.Ids).Should().Be(c.Decoded);
    }

    [Fact]
    public void Stop_and_pad_ids_come_from_the_config_and_added_tokens()
    {
        var tokenizer = (HfBpeTokenizer)TokenizerLoader.Load(Path.Combine(Fixture, "tokenizer.json"));
        tokenizer.VocabSize.Should().Be(400);
        tokenizer.StopTokenIds.Should().Equal(0, 2); // eos <|endoftext|>, then <|im_end|>
        tokenizer.PadTokenId.Should().Be(0);
        tokenizer.BosTokenId.Should().BeNull();
    }

    public static TheoryData<string> Variants()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(TokenizerCase.Root, "pretokenizers", "expected.json")));
        var data = new TheoryData<string>();
        foreach (var variant in document.RootElement.EnumerateObject()) data.Add(variant.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Other_pre_tokenizers_and_normalizers_give_hugging_face_ids(string variant)
    {
        using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(TokenizerCase.Root, "pretokenizers", "expected.json")));
        var spec = expected.RootElement.GetProperty(variant);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(Fixture, "tokenizer.json")))!;
        json["normalizer"] = spec.TryGetProperty("normalizer", out var normalizer) ? JsonNode.Parse(normalizer.GetRawText()) : null;
        json["pre_tokenizer"] = JsonNode.Parse(spec.GetProperty("pre_tokenizer").GetRawText());
        string file = Path.Combine(Directory.CreateTempSubdirectory("forge-pretok-").FullName, "tokenizer.json");
        File.WriteAllText(file, json.ToJsonString());

        var tokenizer = TokenizerLoader.Load(file);
        foreach (var c in TokenizerCase.Parse(spec.GetProperty("cases")))
        {
            tokenizer.Encode(c.Text!).Should().Equal(c.Ids, "{0} encodes {1} so", variant, JsonSerializer.Serialize(c.Text));
            tokenizer.Decode(c.Ids).Should().Be(c.Decoded);
        }
        Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
    }

    [Theory]
    [InlineData(true, new[] { 400, 400 })]
    [InlineData(false, new[] { 336, 83, 336, 83 })]
    public void Ignore_merges_takes_whole_vocabulary_words_as_hugging_face_does(bool ignoreMerges, int[] expected)
    {
        // "Ġzq" is in the vocabulary but no merge makes it (ids from Hugging Face tokenizers 0.23.2).
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(Fixture, "tokenizer.json")))!;
        json["model"]!["vocab"]!["Ġzq"] = 400;
        json["model"]!["ignore_merges"] = ignoreMerges;
        string file = Path.Combine(Directory.CreateTempSubdirectory("forge-im-").FullName, "tokenizer.json");
        File.WriteAllText(file, json.ToJsonString());

        var tokenizer = TokenizerLoader.Load(file);
        tokenizer.Encode(" zq zq").Should().Equal(expected);
        tokenizer.Decode(expected).Should().Be(" zq zq");
        Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
    }
}
