using System.Diagnostics;
using System.Text.Json.Nodes;
using Forge.Contracts.Models;
using Forge.Core.Tokenizers;

namespace Forge.Core.Tests.Tokenizers;

/// <summary>
/// A tokenizer.json whose pre-tokenizer pattern backtracks catastrophically must not hang whatever encodes with it:
/// a pattern the linear engine supports runs in linear time; one that needs the backtracking engine (a lookaround)
/// stops at the match timeout with one line naming the file and the pattern.
/// </summary>
public sealed class PreTokenizerRegexTests : IDisposable
{
    private static readonly string Fixture = Path.Combine(TokenizerCase.Root, "fixture", "tokenizer.json");

    /// <summary>Forty a's and a b: (a+)+ against it tries 2^40 splits when it backtracks.</summary>
    private static readonly string Hostile = new string('a', 40) + "b";

    private readonly string _dir = Directory.CreateTempSubdirectory("forge-regex-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>The fixture tokenizer with its Split pattern replaced by <paramref name="pattern"/>.</summary>
    private string WithPattern(string pattern)
    {
        var json = JsonNode.Parse(File.ReadAllText(Fixture))!;
        json["pre_tokenizer"]!["pretokenizers"]![0]!["pattern"] = new JsonObject { ["Regex"] = pattern };
        string path = Path.Combine(_dir, "tokenizer.json");
        File.WriteAllText(path, json.ToJsonString());
        return path;
    }

    /// <summary>Runs <paramref name="encode"/> on another thread and fails, instead of hanging, past <paramref name="limit"/>.</summary>
    private static T Within<T>(TimeSpan limit, Func<T> encode)
    {
        var task = Task.Run(encode);
        if (!task.Wait(limit)) throw new TimeoutException($"still encoding after {limit.TotalSeconds} s");
        return task.Result;
    }

    [Fact]
    public void A_nested_quantifier_the_linear_engine_supports_encodes_in_linear_time()
    {
        var tokenizer = TokenizerLoader.Load(WithPattern("(a+)+$"));
        var clock = Stopwatch.StartNew();

        var ids = Within(TimeSpan.FromSeconds(20), () => tokenizer.Encode(Hostile));

        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5));
        tokenizer.Decode(ids).Should().Be(Hostile);
    }

    [Fact]
    public void A_pattern_that_needs_backtracking_stops_at_the_timeout_with_one_line_naming_file_and_pattern()
    {
        string path = WithPattern("(a|aa)+(?=c)");
        ITokenizer tokenizer = TokenizerLoader.Load(path);
        var clock = Stopwatch.StartNew();

        var act = () => Within(TimeSpan.FromSeconds(20), () => tokenizer.Encode(Hostile));

        act.Should().Throw<AggregateException>().WithInnerException<ForgeDataException>()
            .Which.Message.Should().StartWith($"{path}: pre-tokenizer regex \"(a|aa)+(?=c)\" ran longer than 2 s").And.NotContain("\n");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10));
    }
}
