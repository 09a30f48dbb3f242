using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using Forge.Contracts.Plugins;
using Forge.Contracts.Rewards;
using Lingua;
using Microsoft.Extensions.DependencyInjection;

namespace Forge.Plugins.LanguageConsistency;

/// <summary>
/// DeepSeek-R1's language consistency reward: the share of the chain of thought's words that are in the target
/// language (row column <c>language</c>, else <see cref="LanguageConsistencyOptions.DefaultLanguage"/>; ISO 639-1).
/// The chain of thought is the <c>&lt;think&gt;</c> part (text before <c>&lt;/think&gt;</c> when the prompt opened
/// it), or the whole completion when there is no think tag. Words: see <see cref="WordCounter"/> — every Han, Kana or
/// Hangul character is one word; numbers, punctuation and LaTeX commands are not words; scripts are told apart by
/// Unicode block, languages sharing a script (English, German, French…) by Lingua, clause by clause.
/// A chain of thought without words (empty, or only numbers and symbols) scores 0, so skipping the reasoning never
/// pays. Null when the target language is not among <see cref="LanguageConsistencyOptions.CandidateLanguages"/>.
/// </summary>
public sealed class LanguageConsistencyReward : RewardModel
{
    private static readonly ConcurrentDictionary<string, Lazy<LanguageDetector>> Detectors = new();

    private readonly LanguageConsistencyOptions _options;
    private readonly Dictionary<string, Language> _candidates;
    private readonly WordCounter _counter;

    /// <summary>Builds (or reuses) the Lingua detector for the configured candidate languages.</summary>
    public LanguageConsistencyReward(LanguageConsistencyOptions options)
    {
        _options = options;
        _candidates = LanguageConsistencyOptions.ParseCodes(options.CandidateLanguages)
            .ToDictionary(code => code, code => LanguageConsistencyOptions.ToLanguage(code)!.Value);
        var perFamily = _candidates.Keys.GroupBy(Scripts.FamilyOf).ToDictionary(g => g.Key, g => g.Count());
        LanguageDetector? detector = perFamily.Values.Any(n => n > 1) ? Detector(options, [.. _candidates.Values]) : null;
        _counter = new WordCounter(detector, perFamily);
    }

    /// <inheritdoc />
    protected override double? Score(RewardInput input)
    {
        string code = (input.Row.GetString(_options.LanguageColumn) is { Length: > 0 } column ? column : _options.DefaultLanguage)
            .Trim().ToLowerInvariant();
        if (code.Length > 2 && code[2] is '-' or '_') code = code[..2]; // zh-CN, pt_BR
        if (!_candidates.TryGetValue(code, out var target)) return null;
        var (targetWords, totalWords) = _counter.Count(ChainOfThought(input.Completion), target, Scripts.FamilyOf(code));
        return totalWords == 0 ? 0.0 : targetWords / (double)totalWords;
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

    /// <summary>One detector per configuration for the whole process; Lingua detectors are thread-safe.</summary>
    private static LanguageDetector Detector(LanguageConsistencyOptions options, Language[] languages)
    {
        string directory = ModelsDirectory(options.ModelsDirectory);
        string key = $"{string.Join(',', languages.Order())}|{options.LowAccuracyMode}|{options.PreloadModels}|{directory}";
        return Detectors.GetOrAdd(key, _ => new Lazy<LanguageDetector>(() =>
        {
            if (!Directory.Exists(directory))
                throw new PluginInputException($"language-consistency: Lingua language models not found in '{directory}' (set ModelsDirectory)");
            var builder = LanguageDetectorBuilder.FromLanguages(languages).WithLanguageModelsDirectory(directory);
            if (options.LowAccuracyMode) builder = builder.WithLowAccuracyMode();
            if (options.PreloadModels) builder = builder.WithPreloadedLanguageModels();
            return builder.Build();
        })).Value;
    }

    /// <summary>The configured folder, else Lingua/LanguageModels beside this plugin's assembly, else beside the application.</summary>
    private static string ModelsDirectory(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured)) return configured;
        string? folder = Path.GetDirectoryName(typeof(LanguageConsistencyReward).Assembly.Location);
        string beside = Path.Combine(folder ?? "", "Lingua", "LanguageModels");
        return !string.IsNullOrEmpty(folder) && Directory.Exists(beside) ? beside : Path.Combine(AppContext.BaseDirectory, "Lingua", "LanguageModels");
    }
}

/// <summary>Options of the <c>language-consistency</c> reward.</summary>
public sealed class LanguageConsistencyOptions : IValidatableObject
{
    /// <summary>Row column with the target language (ISO 639-1 such as "de"; a region such as "zh-CN" is ignored); rows without it use DefaultLanguage.</summary>
    [Required(AllowEmptyStrings = false)]
    public string LanguageColumn { get; set; } = "language";

    /// <summary>Target language (ISO 639-1) of rows without a language column; must be a candidate.</summary>
    [Required(AllowEmptyStrings = false)]
    public string DefaultLanguage { get; set; } = "en";

    /// <summary>Comma-separated ISO 639-1 codes Lingua chooses among; words in other languages count as their nearest candidate.</summary>
    [Required(AllowEmptyStrings = false)]
    public string CandidateLanguages { get; set; } = "en,de,fr,es,it,pt,nl,zh,ja,ko,ru";

    /// <summary>Lingua's low accuracy mode: trigram models only, faster and smaller, worse on short clauses.</summary>
    public bool LowAccuracyMode { get; set; }

    /// <summary>Load every candidate's models when the reward is built rather than on first use.</summary>
    public bool PreloadModels { get; set; }

    /// <summary>Folder of Lingua's models (&lt;iso&gt;/*.json.br); empty: Lingua/LanguageModels beside the plugin.</summary>
    public string? ModelsDirectory { get; set; }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var codes = ParseCodes(CandidateLanguages);
        foreach (string code in codes.Where(c => ToLanguage(c) is null))
            yield return new ValidationResult($"'{code}' is not an ISO 639-1 code Lingua knows", [nameof(CandidateLanguages)]);
        if (codes.Count == 0) yield return new ValidationResult("no candidate languages", [nameof(CandidateLanguages)]);
        if (!codes.Contains(DefaultLanguage.Trim().ToLowerInvariant()))
            yield return new ValidationResult($"DefaultLanguage '{DefaultLanguage}' is not among the candidate languages", [nameof(DefaultLanguage)]);
    }

    internal static List<string> ParseCodes(string codes) =>
        [.. codes.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(c => c.ToLowerInvariant()).Distinct()];

    internal static Language? ToLanguage(string code) =>
        code.Length == 2 && char.IsAsciiLetter(code[0]) && char.IsAsciiLetter(code[1])
        && Enum.TryParse<IsoCode6391>(code, ignoreCase: true, out var iso) && iso != IsoCode6391.None
            ? LanguageInfo.GetByIsoCode6391(iso)
            : null;
}

/// <summary>Exports <c>language-consistency</c>.</summary>
[ForgePlugin("language-consistency", PluginKind.Reward, Description = "Share of chain-of-thought words in the target language (DeepSeek-R1)")]
public sealed class LanguageConsistencyRewardPlugin : IForgePlugin
{
    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services, PluginContext context) =>
        services.AddForgePlugin<IRewardModel, LanguageConsistencyReward, LanguageConsistencyOptions>(context);
}
