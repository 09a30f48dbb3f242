using System.Collections.Concurrent;
using Forge.Contracts.Plugins;
using Lingua;

namespace Forge.Plugins.LanguageConsistency;

/// <summary>
/// Lingua's verdict on the language of a text written in one script family. For each family it chooses among every
/// candidate and detection language written in that family, so a family with a single candidate (English among Latin
/// scripts) is still told apart from German, French… Families with one language only (Korean for Hangul) need no
/// verdict. A family's detector is built on first use and shared by every reward with the same configuration (Lingua's
/// detectors are thread-safe); it loads a language's models on first use unless <see cref="LanguageConsistencyOptions.PreloadModels"/>.
/// </summary>
internal sealed class LanguageJudge
{
    private static readonly ConcurrentDictionary<string, Lazy<LanguageDetector>> Detectors = new();

    private readonly Dictionary<ScriptFamily, Language[]> _languages;
    private readonly LanguageConsistencyOptions _options;

    /// <summary>Groups <paramref name="languages"/> by script family.</summary>
    public LanguageJudge(IEnumerable<Language> languages, LanguageConsistencyOptions options)
    {
        _options = options;
        _languages = languages.Distinct().GroupBy(l => Scripts.FamilyOf(LanguageConsistencyOptions.CodeOf(l)))
            .ToDictionary(g => g.Key, g => g.Order().ToArray());
    }

    /// <summary>Whether the family has more than one language to choose among.</summary>
    public bool NeedsVerdict(ScriptFamily family) => _languages.TryGetValue(family, out var languages) && languages.Length > 1;

    /// <summary>
    /// How likely <paramref name="target"/> is for <paramref name="text"/> (written in <paramref name="family"/>)
    /// against the likeliest language: 1 when it is the likeliest (or the family's only language), 0 when Lingua rules it out.
    /// </summary>
    public double Odds(string text, Language target, ScriptFamily family)
    {
        if (!NeedsVerdict(family)) return 1;
        var confidences = Detector(family).ComputeLanguageConfidenceValues(text);
        double best = confidences.Count == 0 ? 0 : confidences.Values.Max();
        return best > 0 ? confidences.GetValueOrDefault(target) / best : 0;
    }

    /// <summary>Builds the detectors of <paramref name="families"/> now (loading their models when PreloadModels).</summary>
    public void Prepare(IEnumerable<ScriptFamily> families)
    {
        foreach (var family in families.Where(NeedsVerdict)) Detector(family);
    }

    private LanguageDetector Detector(ScriptFamily family)
    {
        var languages = _languages[family];
        string directory = ModelsDirectory(_options.ModelsDirectory);
        string key = $"{string.Join(',', languages)}|{_options.LowAccuracyMode}|{_options.PreloadModels}|{directory}";
        return Detectors.GetOrAdd(key, _ => new Lazy<LanguageDetector>(() =>
        {
            if (!Directory.Exists(directory))
                throw new PluginInputException($"language-consistency: Lingua language models not found in '{directory}' (set ModelsDirectory)");
            var builder = LanguageDetectorBuilder.FromLanguages(languages).WithLanguageModelsDirectory(directory);
            if (_options.LowAccuracyMode) builder = builder.WithLowAccuracyMode();
            if (_options.PreloadModels) builder = builder.WithPreloadedLanguageModels();
            return builder.Build();
        })).Value;
    }

    /// <summary>The configured folder, else Lingua/LanguageModels beside this plugin's assembly, else beside the application.</summary>
    private static string ModelsDirectory(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured)) return configured;
        string? folder = Path.GetDirectoryName(typeof(LanguageJudge).Assembly.Location);
        string beside = Path.Combine(folder ?? "", "Lingua", "LanguageModels");
        return !string.IsNullOrEmpty(folder) && Directory.Exists(beside) ? beside : Path.Combine(AppContext.BaseDirectory, "Lingua", "LanguageModels");
    }
}
