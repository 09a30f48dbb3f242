using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Lingua;

namespace Forge.Plugins.LanguageConsistency;

/// <summary>Options of the <c>language-consistency</c> reward.</summary>
public sealed class LanguageConsistencyOptions : IValidatableObject
{
    /// <summary>Every language Lingua knows, for <see cref="DetectionLanguages"/>.</summary>
    public const string AllLanguages = "all";

    /// <summary>Row column with the target language (ISO 639-1 such as "de"; a region such as "zh-CN" is ignored); rows without it use DefaultLanguage.</summary>
    [Description("Row column with the target language (ISO 639-1 such as \"de\"; a region such as \"zh-CN\" is ignored); rows without it use DefaultLanguage.")]
    [Required(AllowEmptyStrings = false)]
    public string LanguageColumn { get; set; } = "language";

    /// <summary>Target language (ISO 639-1) of rows without a language column; must be a candidate.</summary>
    [Description("Target language (ISO 639-1) of rows without a language column; must be a candidate.")]
    [Required(AllowEmptyStrings = false)]
    public string DefaultLanguage { get; set; } = "en";

    /// <summary>Comma-separated ISO 639-1 codes of the target languages the reward scores; other targets score null.</summary>
    [Description("Comma-separated ISO 639-1 codes of the target languages the reward scores; other targets score null.")]
    [Required(AllowEmptyStrings = false)]
    public string CandidateLanguages { get; set; } = "en,de,fr,es,it,pt,nl,zh,ja,ko,ru";

    /// <summary>
    /// Languages Lingua weighs against the target clause by clause besides the candidates (ISO 639-1, comma-separated,
    /// or "all"); only those written in the target's script matter. They keep text in a language that is not a
    /// candidate from counting as the one candidate of its script (German as English when the candidates are "en,zh").
    /// Default: 16 Latin-script languages from every large branch (Germanic, Romance, Slavic, Uralic, Turkic,
    /// Austronesian, Vietnamese) and every Cyrillic, Arabic, Devanagari and Han/Kana language Lingua knows. Languages
    /// left out are still caught in text of 120 characters or more, by a screen over all of Lingua's languages of the
    /// script in its low accuracy mode. "all" (Lingua's 79 languages) holds about 1.1 GB of Latin-script models against
    /// 0.55 GB for the default; empty: the candidates only (and the screen). See bench/README.md.
    /// </summary>
    [Description("Languages Lingua weighs against the target clause by clause besides the candidates (ISO 639-1, comma-separated, or \"all\"); only those written in the target's script matter. They keep text in a language that is not a candidate from counting as the one candidate of its script (German as English when the candidates are \"en,zh\"). Default: 16 Latin-script languages from every large branch (Germanic, Romance, Slavic, Uralic, Turkic, Austronesian, Vietnamese) and every Cyrillic, Arabic, Devanagari and Han/Kana language Lingua knows. Languages left out are still caught in text of 120 characters or more, by a screen over all of Lingua's languages of the script in its low accuracy mode. \"all\" (Lingua's 79 languages) holds about 1.1 GB of Latin-script models against 0.55 GB for the default; empty: the candidates only (and the screen). See bench/README.md.")]
    [Required(AllowEmptyStrings = true)]
    public string DetectionLanguages { get; set; } = DefaultDetectionLanguages;

    /// <summary>The default of <see cref="DetectionLanguages"/>.</summary>
    public const string DefaultDetectionLanguages =
        "en,de,nl,sv,fr,es,it,pt,ro,pl,cs,fi,hu,tr,id,vi,"
        + "ru,uk,be,bg,mk,sr,kk,mn,ar,fa,ur,hi,mr,zh,ja";

    /// <summary>A clause of fewer words that Lingua does not read as the target is read again together with its neighbours, up to this many words.</summary>
    [Description("A clause of fewer words that Lingua does not read as the target is read again together with its neighbours, up to this many words.")]
    [Range(1, 1000)]
    public int ContextWords { get; set; } = 8;

    /// <summary>Lingua's low accuracy mode: trigram models only, faster and smaller, worse on short clauses.</summary>
    [Description("Lingua's low accuracy mode: trigram models only, faster and smaller, worse on short clauses.")]
    public bool LowAccuracyMode { get; set; }

    /// <summary>Build Lingua's detectors for the candidates' scripts, and load their models, when the reward is built rather than on first use.</summary>
    [Description("Build Lingua's detectors for the candidates' scripts, and load their models, when the reward is built rather than on first use.")]
    public bool PreloadModels { get; set; }

    /// <summary>Folder of Lingua's models (&lt;iso&gt;/*.json.br); empty: Lingua/LanguageModels beside the plugin.</summary>
    [Description("Folder of Lingua's models (<iso>/*.json.br); empty: Lingua/LanguageModels beside the plugin.")]
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
        if (!IsAll(DetectionLanguages))
            foreach (string code in ParseCodes(DetectionLanguages).Where(c => ToLanguage(c) is null))
                yield return new ValidationResult($"'{code}' is not an ISO 639-1 code Lingua knows", [nameof(DetectionLanguages)]);
    }

    /// <summary>The candidates and the detection languages: every language Lingua chooses among.</summary>
    internal IEnumerable<Language> JudgedLanguages() =>
        ParseCodes(CandidateLanguages).Select(c => ToLanguage(c)!.Value)
            .Concat(IsAll(DetectionLanguages) ? LanguageInfo.All() : ParseCodes(DetectionLanguages).Select(c => ToLanguage(c)!.Value))
            .Distinct();

    private static bool IsAll(string codes) => codes.Trim().Equals(AllLanguages, StringComparison.OrdinalIgnoreCase);

    internal static List<string> ParseCodes(string codes) =>
        [.. codes.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(c => c.ToLowerInvariant()).Distinct()];

    internal static Language? ToLanguage(string code) =>
        code.Length == 2 && char.IsAsciiLetter(code[0]) && char.IsAsciiLetter(code[1])
        && Enum.TryParse<IsoCode6391>(code, ignoreCase: true, out var iso) && iso != IsoCode6391.None
            ? LanguageInfo.GetByIsoCode6391(iso)
            : null;

    internal static string CodeOf(Language language) => LanguageInfo.IsoCode6391(language).ToString().ToLowerInvariant();
}
