using Forge.Core.Tokenizers;

namespace Forge.Core.Tests.Tokenizers;

public class CharTokenizerTests
{
    private static readonly CharTokenizer Tokenizer = CharTokenizer.Build(["0123456789+-*= ?Whatis", "数😀"]);

    [Fact]
    public void Tags_and_specials_are_single_tokens_and_characters_are_one_each()
    {
        Tokenizer.VocabSize.Should().Be(7 + 22 + 2);
        Tokenizer.Encode("<think>3+4=7</think><answer>7</answer>").Should().HaveCount(1 + 5 + 1 + 1 + 1 + 1);
        Tokenizer.Encode("数😀").Should().HaveCount(2);
        Tokenizer.Encode("é").Should().Equal(Tokenizer.Encode("<unk>"));
        Tokenizer.Encode("<eos><pad>").Should().Equal(Tokenizer.StopTokenIds[0], Tokenizer.PadTokenId);
    }

    [Fact]
    public void Round_trips_and_skipping_specials_keeps_the_tags()
    {
        const string text = "<think>What is 3*4? 12</think> <answer>12</answer>";
        var ids = Tokenizer.Encode(text);
        Tokenizer.Decode(ids).Should().Be(text);
        Tokenizer.Decode([Tokenizer.PadTokenId, .. ids, Tokenizer.StopTokenIds[0]], skipSpecialTokens: true).Should().Be(text);
    }

    [Fact]
    public void Saves_as_hugging_face_word_level_and_loads_back()
    {
        string dir = Directory.CreateTempSubdirectory("forge-char-").FullName;
        Tokenizer.Save(dir);
        var reloaded = TokenizerLoader.Load(dir);

        reloaded.Should().BeOfType<CharTokenizer>();
        const string text = "<think>数 😀 3+4=7</think><answer>7</answer><eos>";
        reloaded.Encode(text).Should().Equal(Tokenizer.Encode(text));
        reloaded.VocabSize.Should().Be(Tokenizer.VocabSize);
        reloaded.StopTokenIds.Should().Equal(Tokenizer.StopTokenIds);
        reloaded.Decode(reloaded.Encode(text), skipSpecialTokens: true).Should().Be("<think>数 😀 3+4=7</think><answer>7</answer>");
        File.ReadAllText(Path.Combine(dir, "tokenizer.json")).Should().Contain("\"WordLevel\"").And.Contain("\"Fuse\"");
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void Hugging_face_reads_the_saved_file_with_the_same_ids()
    {
        // TestData/tokenizers/char was written by Save; its expected.json comes from Hugging Face tokenizers.
        string dir = Path.Combine(TokenizerCase.Root, "char");
        var saved = TokenizerLoader.Load(dir);
        foreach (var c in TokenizerCase.Read("char/expected.json"))
        {
            saved.Encode(c.Text!).Should().Equal(c.Ids);
            saved.Decode(c.Ids).Should().Be(c.Decoded);
            saved.Decode(c.Ids, skipSpecialTokens: true).Should().Be(c.Skipped);
        }

        string again = Directory.CreateTempSubdirectory("forge-char-").FullName;
        CharTokenizer.Build(["0123456789+-*= ?Whatis\n", "数😀"]).Save(again);
        File.ReadAllText(Path.Combine(again, "tokenizer.json")).Should().Be(File.ReadAllText(Path.Combine(dir, "tokenizer.json")));
        Directory.Delete(again, recursive: true);
    }
}
