using System.Collections.Concurrent;
using Forge.Contracts.Plugins;
using Lingua;

namespace Forge.Plugins.LanguageConsistency;

/// <summary>
/// Lingua's verdicts on the language of a text written in one script family.
/// <list type="bullet">
/// <item><see cref="Odds"/>: Lingua chooses among the family's listed languages (the candidates and the detection
/// languages), so a family with a single candidate (English among Latin scripts) is still told apart from German,
/// French… This detector uses <see cref="LanguageConsistencyOptions.LowAccuracyMode"/> as configured.</item>
/// <item><see cref="IsUnlisted"/>: a screen in Lingua's low accuracy mode (trigram models only, a few MiB per language)
/// among every language Lingua knows in the family, for a language that is not listed: left to the listed ones alone,
/// Lingua may read, say, Polish as English when Polish is not among them.</item>
/// </list>
/// Families with a single language in Lingua (Korean for Hangul) need no verdict. Detectors are built on first use and
/// shared by every reward with the same configuration (Lingua's detectors are thread-safe); they load a language's
/// models on first use unless <see cref="LanguageConsistencyOptions.PreloadModels"/>.
/// </summary>
internal sealed class LanguageJudge
{
    private static readonly ConcurrentDictionary<string, Lazy<LanguageDetector>> Detectors = new();

    private readonly Dictionary<ScriptFamily, Language[]> _listed;
    private readonly Dictionary<ScriptFamily, Language[]> _all;
    private readonly LanguageConsistencyOptions _options;

    /// <summary>Groups the <paramref name="listed"/> languages, and all of Lingua's, by script family.</summary>
    public LanguageJudge(IEnumerable<Language> listed, LanguageConsistencyOptions options)
    {
        _options = options;
        _listed = ByFamily(listed);
        _all = ByFamily(LanguageInfo.All());
    }

    /// <summary>Whether a text in the family may be in more than one language.</summary>
    public bool NeedsVerdict(ScriptFamily family) => _all.TryGetValue(family, out var languages) && languages.Length > 1;

    /// <summary>
    /// How likely <paramref name="target"/> (a listed language) is for <paramref name="text"/> against the likeliest
    /// listed language of <paramref name="family"/>: 1 when it is the likeliest or the only one, 0 when Lingua rules it out.
    /// </summary>
    public double Odds(string text, Language target, ScriptFamily family)
    {
        var listed = _listed.GetValueOrDefault(family) ?? [];
        if (listed.Length < 2) return 1;
        var confidences = Detector(listed, _options.LowAccuracyMode).ComputeLanguageConfidenceValues(text);
        double best = confidences.Count == 0 ? 0 : confidences.Values.Max();
        return best > 0 ? confidences.GetValueOrDefault(target) / best : 0;
    }

    /// <summary>Whether Lingua, choosing among all its languages of <paramref name="family"/>, reads <paramref name="text"/> as one that is not listed.</summary>
    public bool IsUnlisted(string text, ScriptFamily family)
    {
        var listed = _listed.GetValueOrDefault(family) ?? [];
        var all = _all.GetValueOrDefault(family) ?? [];
        if (all.Length <= listed.Length) return false;
        var language = Detector(all, lowAccuracy: true).DetectLanguageOf(text);
        return language != Language.Unknown && Array.IndexOf(listed, language) < 0;
    }

    /// <summary>Builds the detectors of <paramref name="families"/> now (loading their models when PreloadModels).</summary>
    public void Prepare(IEnumerable<ScriptFamily> families)
    {
        foreach (var family in families.Where(NeedsVerdict))
        {
            if (_listed.GetValueOrDefault(family) is { Length: > 1 } listed) Detector(listed, _options.LowAccuracyMode);
            if (_all[family].Length > (_listed.GetValueOrDefault(family)?.Length ?? 0)) Detector(_all[family], lowAccuracy: true);
        }
    }

    private static Dictionary<ScriptFamily, Language[]> ByFamily(IEnumerable<Language> languages) =>
        languages.Distinct().GroupBy(l => Scripts.FamilyOf(LanguageConsistencyOptions.CodeOf(l))).ToDictionary(g => g.Key, g => g.Order().ToArray());

    private LanguageDetector Detector(Language[] languages, bool lowAccuracy)
    {
        string directory = ModelsDirectory(_options.ModelsDirectory);
        string key = $"{string.Join(',', languages)}|{lowAccuracy}|{_options.PreloadModels}|{directory}";
        return Detectors.GetOrAdd(key, _ => new Lazy<LanguageDetector>(() =>
        {
            if (!Directory.Exists(directory))
                throw new PluginInputException($"language-consistency: Lingua language models not found in '{directory}' (set ModelsDirectory)");
            var builder = LanguageDetectorBuilder.FromLanguages(languages).WithLanguageModelsDirectory(directory);
            if (lowAccuracy) builder = builder.WithLowAccuracyMode();
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
