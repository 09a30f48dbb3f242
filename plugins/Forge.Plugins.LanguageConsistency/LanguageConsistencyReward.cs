using Forge.Contracts.Plugins;
using Forge.Contracts.Rewards;
using Lingua;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Plugins.LanguageConsistency;

/// <summary>
/// DeepSeek-R1's language consistency reward: the share of the chain of thought's words that are in the target
/// language (row column <c>language</c>, else <see cref="LanguageConsistencyOptions.DefaultLanguage"/>; ISO 639-1).
/// The chain of thought is the <c>&lt;think&gt;</c> part (text before <c>&lt;/think&gt;</c> when the prompt opened
/// it), or the whole completion when there is no think tag. Words: see <see cref="ClauseReader"/> — maths (numbers,
/// variables, symbols, LaTeX) is not words; a Han character counts 2/3 of a word, a Kana character 1/2. Scripts are
/// told apart by Unicode block; languages sharing a script by Lingua, clause by clause with enough context
/// (<see cref="WordCounter"/>), choosing among the candidates and <see cref="LanguageConsistencyOptions.DetectionLanguages"/>.
/// A chain of thought without words (empty, or only maths) scores 0, so skipping the reasoning never pays.
/// Null when the target language is not among <see cref="LanguageConsistencyOptions.CandidateLanguages"/>.
/// </summary>
public sealed class LanguageConsistencyReward : RewardModel
{
    private readonly LanguageConsistencyOptions _options;
    private readonly Dictionary<string, Language> _candidates;
    private readonly WordCounter _counter;

    /// <summary>Prepares Lingua's detectors for the configured languages (built on first use unless PreloadModels).</summary>
    public LanguageConsistencyReward(LanguageConsistencyOptions options)
    {
        _options = options;
        _candidates = LanguageConsistencyOptions.ParseCodes(options.CandidateLanguages)
            .ToDictionary(code => code, code => LanguageConsistencyOptions.ToLanguage(code)!.Value);
        var judge = new LanguageJudge(options.JudgedLanguages(), options);
        if (options.PreloadModels) judge.Prepare(_candidates.Keys.Select(Scripts.FamilyOf).Distinct());
        _counter = new WordCounter(judge, options.ContextWords);
    }

    /// <inheritdoc />
    protected override double? Score(RewardInput input)
    {
        string code = (input.Row.GetString(_options.LanguageColumn) is { Length: > 0 } column ? column : _options.DefaultLanguage)
            .Trim().ToLowerInvariant();
        if (code.Length > 2 && code[2] is '-' or '_') code = code[..2]; // zh-CN, pt_BR
        if (!_candidates.TryGetValue(code, out var target)) return null;
        var (targetWords, totalWords) = _counter.Count(ChainOfThought(input.Completion), target, Scripts.FamilyOf(code));
        return totalWords == 0 ? 0.0 : Math.Min(1.0, targetWords / totalWords);
    }

    /// <summary>The text between &lt;think&gt; and &lt;/think&gt;; before &lt;/think&gt; or after an unclosed &lt;think&gt;; else everything.</summary>
    internal static string ChainOfThought(string completion)
    {
        int end = completion.IndexOf("</think>", StringComparison.Ordinal);
        int start = completion.IndexOf("<think>", StringComparison.Ordinal);
        if (end < 0) return start < 0 ? completion : completion[(start + 7)..];
        start = start >= 0 && start < end ? start + 7 : 0;
        return completion[start..end];
    }
}

/// <summary>Exports <c>language-consistency</c>.</summary>
[ForgePlugin("language-consistency", PluginKind.Reward, Description = "Share of chain-of-thought words in the target language (DeepSeek-R1)")]
public sealed class LanguageConsistencyRewardPlugin : IForgePlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services, PluginContext context) =>
        services.AddForgePlugin<IRewardModel, LanguageConsistencyReward, LanguageConsistencyOptions>(context);
}
