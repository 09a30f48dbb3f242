using System.Text.Json;
using Forge.Host.Tests.Support;

namespace Forge.Host.Tests;

public class LanguageModelCommandTests
{
    private static readonly string Data = Path.Combine(AppContext.BaseDirectory, "TestData");

    [Fact]
    public void Tokenize_prints_hugging_face_ids_as_json()
    {
        var result = ForgeProcess.Run("tokenize", "--tokenizer", Path.Combine(Data, "tokenizers", "qwen3"), "--text", "<|im_start|>user\nWhat is 12*7?<|im_end|>", "--json");
        result.ExitCode.Should().Be(0, result.Error);
        result.Out.Trim().Should().Be("""{"ids":[151644,872,198,3838,374,220,16,17,9,22,30,151645]}""");
    }

    [Fact]
    public void Generate_greedy_from_prompt_ids_matches_transformers_and_leaves_out_text_without_a_tokenizer()
    {
        var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(Data, "models", "expected.json"))).RootElement.GetProperty("qwen2").GetProperty("cases")[1];
        string ids = string.Join(",", expected.GetProperty("prompt_ids").EnumerateArray().Select(v => v.GetInt32()));

        var result = ForgeProcess.Run("generate", "--model", Path.Combine(Data, "models", "qwen2"), "--prompt-ids", ids, "--greedy", "--max-new-tokens", "16", "--json");

        result.ExitCode.Should().Be(0, result.Error);
        var output = JsonDocument.Parse(result.Out).RootElement;
        output.GetProperty("ids").EnumerateArray().Select(v => v.GetInt32()).Should().Equal(expected.GetProperty("greedy_ids").EnumerateArray().Select(v => v.GetInt32()));
        output.GetProperty("logprobs").EnumerateArray().Select(v => v.GetDouble()).Should()
            .Equal(expected.GetProperty("sequence_logprobs").EnumerateArray().Select(v => v.GetDouble()), (a, b) => Math.Abs(a - b) < 1e-4);
        output.TryGetProperty("text", out _).Should().BeFalse();
    }

    [Fact]
    public void Generate_with_a_prompt_but_no_tokenizer_says_so()
    {
        var result = ForgeProcess.Run("generate", "--model", Path.Combine(Data, "models", "qwen2"), "--prompt", "hi");
        result.ExitCode.Should().Be(2);
        result.Error.Should().Contain("--prompt needs a tokenizer");
    }
}
