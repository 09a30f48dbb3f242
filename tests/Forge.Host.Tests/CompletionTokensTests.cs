using System.Text.Json;
using Forge.Core.Tokenizers;
using Forge.Host.Tests.Support;

namespace Forge.Host.Tests;

/// <summary>
/// The completion length a length reward sees when scoring a file: the <c>completion_tokens</c> column, else the tokens
/// counted with a tokenizer (<c>forge score --tokenizer</c>, the score stage's <c>Tokenizer</c>), else 0.
/// </summary>
public class CompletionTokensTests
{
    /// <summary>One word of 20 characters: 20 tokens with a character tokenizer, 1 by the word count rewards fall back on.</summary>
    private const string Long = "abcdefghijklmnopqrst";

    /// <summary>
    /// overlong with MaxLength 10, CacheLength 5: 0 up to 5 tokens, −1 from 10. Line 1 has no column (20 tokens when
    /// counted: −1; uncounted: one word, 0); line 2 says 7 tokens (−0.4), whether or not a tokenizer is given.
    /// </summary>
    private static (string Input, string Config, string Tokenizer) Files(TempDirectory dir)
    {
        string input = dir.Write("in.jsonl", $$"""{"prompt":"p","completion":"{{Long}}"}""" + "\n"
            + $$"""{"prompt":"p","completion":"{{Long}}","completion_tokens":7}""" + "\n");
        string config = dir.Write("c.json", """{"Rewards":{"overlong":{"MaxLength":10,"CacheLength":5}}}""");
        CharTokenizer.Build([Long]).Save(dir.Combine("tokenizer"));
        return (input, config, dir.Combine("tokenizer"));
    }

    [Theory]
    [InlineData(false, 0.0)]
    [InlineData(true, -1.0)]
    public void Forge_score_counts_tokens_with_the_tokenizer_where_the_file_has_no_column(bool counted, double firstLine)
    {
        using var dir = new TempDirectory();
        var (input, config, tokenizer) = Files(dir);
        string[] args = ["score", "--config", config, "--rewards", "overlong", "--input", input, "--json"];

        var result = ForgeProcess.Run(counted ? [.. args, "--tokenizer", tokenizer] : args);

        result.ExitCode.Should().Be(0, result.Error);
        result.OutLines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("rewards").GetProperty("overlong").GetDouble())
            .Should().Equal(firstLine, -0.4);
    }

    [Theory]
    [InlineData("-1", "-1")]
    [InlineData("7.5", "7.5")]
    [InlineData("\"7\"", "\"7\"")]
    [InlineData("null", "null")]
    [InlineData("4294967296", "4294967296")]
    public void A_completion_tokens_value_that_is_not_an_integer_of_at_least_0_is_one_line_naming_the_file_and_line(string value, string shown)
    {
        using var dir = new TempDirectory();
        string input = dir.Write("bad.jsonl", """{"prompt":"p","completion":"c","completion_tokens":3}""" + "\n"
            + $$"""{"prompt":"p","completion":"c","completion_tokens":{{value}}}""" + "\n");

        var result = ForgeProcess.Run("score", "--rewards", "overlong", "--input", input);

        result.ExitCode.Should().Be(2);
        result.Error.Trim().Should().Be($"error: {input}:2: \"completion_tokens\" is {shown}, not an integer ≥ 0");
    }

    [Theory]
    [InlineData(false, -0.2)]
    [InlineData(true, -0.7)]
    public void The_score_stage_counts_tokens_with_its_tokenizer_option(bool counted, double mean)
    {
        using var dir = new TempDirectory();
        var (input, _, tokenizer) = Files(dir);
        var stage = new Dictionary<string, object> { ["Name"] = "judge", ["Kind"] = "score", ["Input"] = input, ["Rewards"] = new { overlong = 1.0 } };
        if (counted) stage["Tokenizer"] = tokenizer;
        string config = dir.Write("p.json", JsonSerializer.Serialize(new
        {
            Rewards = new { overlong = new { MaxLength = 10, CacheLength = 5 } },
            Pipelines = new { judged = new { Stages = new[] { stage } } },
        }));

        var result = ForgeProcess.Run("run", "--config", config, "--pipeline", "judged", "--output", dir.Combine("run"));

        result.ExitCode.Should().Be(0, result.Error);
        var metrics = JsonDocument.Parse(File.ReadAllText(dir.Combine("run", "summary.json"))).RootElement.GetProperty("stages")[0].GetProperty("metrics");
        metrics.GetProperty("reward/overlong/mean").GetDouble().Should().BeApproximately(mean, 1e-9);
        metrics.GetProperty("reward/overlong/failed").GetDouble().Should().Be(0);
    }
}
