using System.Globalization;
using System.Text.Json;
using Forge.Contracts.Data;
using Forge.Contracts.Rewards;

namespace Forge.Plugins.Rewards.Tests;

/// <summary>One labelled chain of thought of TestData/language-consistency/set.jsonl (see make_set.py there).</summary>
/// <param name="Kind">"target" (written in the target language), "foreign" (in another) or "mixed".</param>
/// <param name="Written">The language(s) it is written in: "de", or "en+de" when mixed.</param>
/// <param name="Share">Share of target-language words (1 for target, 0 for foreign).</param>
public sealed record LabelledChain(string Id, string Kind, string Written, string Target, double Share, string Completion)
{
    /// <summary>The group it is reported in: kind, written language and target ("foreign de→en").</summary>
    public string Group => $"{Kind} {Written}→{Target}";
}

/// <summary>
/// The labelled set and what counts as right: a foreign chain of thought scores at most <see cref="ForeignMax"/>, one in
/// the target language at least <see cref="TargetMin"/>, a mixed one within <see cref="MixedTolerance"/> of its share.
/// Shared (as a linked file) by the tests and bench/Forge.Bench.Rewards.
/// </summary>
public static class LanguageSet
{
    public const double ForeignMax = 0.3;
    public const double TargetMin = 0.9;
    public const double MixedTolerance = 0.15;

    /// <summary>TestData/language-consistency/set.jsonl beside the running assembly.</summary>
    public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "TestData", "language-consistency", "set.jsonl");

    public static IReadOnlyList<LabelledChain> Load(string? path = null) =>
        [.. File.ReadLines(path ?? DefaultPath).Where(line => line.Length > 0)
            .Select(line => JsonSerializer.Deserialize<LabelledChain>(line, new JsonSerializerOptions(JsonSerializerDefaults.Web))!)];

    /// <summary>Whether <paramref name="score"/> is right for <paramref name="chain"/> (null never is).</summary>
    public static bool IsRight(LabelledChain chain, double? score) => score is { } s && chain.Kind switch
    {
        "foreign" => s <= ForeignMax,
        "target" => s >= TargetMin,
        "mixed" => Math.Abs(s - chain.Share) <= MixedTolerance,
        _ => throw new InvalidDataException($"{chain.Id}: unknown kind '{chain.Kind}'"),
    };

    /// <summary>Scores every chain with <paramref name="reward"/> (row column <c>language</c> = its target).</summary>
    public static IReadOnlyList<double?> Score(IRewardModel reward, IReadOnlyList<LabelledChain> chains) =>
        reward.Score([.. chains.Select(c => new RewardInput(Row(c.Target), c.Completion, 0, false))]);

    /// <summary>Share of right scores per group, kind and overall, as "group: right/n".</summary>
    public static IReadOnlyDictionary<string, (int Right, int Count)> Accuracy(IReadOnlyList<LabelledChain> chains, IReadOnlyList<double?> scores)
    {
        var result = new SortedDictionary<string, (int Right, int Count)>(StringComparer.Ordinal);
        for (int i = 0; i < chains.Count; i++)
        {
            bool right = IsRight(chains[i], scores[i]);
            foreach (string key in new[] { chains[i].Group, $"all {chains[i].Kind}", "all" })
            {
                var (r, n) = result.GetValueOrDefault(key);
                result[key] = (r + (right ? 1 : 0), n + 1);
            }
        }
        return result;
    }

    /// <summary>"right/n (percent)".</summary>
    public static string Format((int Right, int Count) accuracy) =>
        string.Create(CultureInfo.InvariantCulture, $"{accuracy.Right}/{accuracy.Count} ({100.0 * accuracy.Right / accuracy.Count:F1}%)");

    private static PromptRow Row(string language) =>
        new("set", "prompt", new Dictionary<string, JsonElement> { ["language"] = JsonSerializer.SerializeToElement(language) });
}
