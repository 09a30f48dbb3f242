using System.Text;

namespace Forge.Plugins.LanguageConsistency;

/// <summary>Writing systems the reader tells apart. Han and Kana share <see cref="ScriptFamily.HanKana"/>.</summary>
internal enum Script : byte
{
    None, Latin, Cyrillic, Greek, Arabic, Hebrew, Devanagari, Bengali, Gurmukhi, Gujarati, Tamil, Telugu, Sinhala, Thai,
    Georgian, Armenian, Ethiopic, Han, Kana, Hangul, Other,
}

/// <summary>Groups of scripts that one language writes together (Japanese mixes Han and Kana).</summary>
internal enum ScriptFamily : byte
{
    None, Latin, Cyrillic, Greek, Arabic, Hebrew, Devanagari, Bengali, Gurmukhi, Gujarati, Tamil, Telugu, Sinhala, Thai,
    Georgian, Armenian, Ethiopic, HanKana, Hangul, Other,
}

/// <summary>Unicode-block based script of a character, and the script family of a language.</summary>
internal static class Scripts
{
    /// <summary>The script of a letter; <see cref="Script.None"/> for digits, punctuation, symbols and spaces.</summary>
    public static Script Of(Rune rune)
    {
        int c = rune.Value;
        if (c < 0x80) return (uint)((c | 0x20) - 'a') <= 'z' - 'a' ? Script.Latin : Script.None;
        if (c <= 0x24F) return c is 0xD7 or 0xF7 || c < 0xC0 ? (c is 0xAA or 0xBA ? Script.Latin : Script.None) : Script.Latin;
        if (c <= 0x2AF || c is >= 0x1E00 and <= 0x1EFF || c is >= 0xFF21 and <= 0xFF3A || c is >= 0xFF41 and <= 0xFF5A) return Script.Latin;
        if (c is >= 0x370 and <= 0x3FF || c is >= 0x1F00 and <= 0x1FFF) return Script.Greek;
        if (c is >= 0x400 and <= 0x52F || c is >= 0x1C80 and <= 0x1C8F || c is >= 0x2DE0 and <= 0x2DFF || c is >= 0xA640 and <= 0xA69F) return Script.Cyrillic;
        if (c is >= 0x530 and <= 0x58F) return Script.Armenian;
        if (c is >= 0x590 and <= 0x5FF) return Script.Hebrew;
        if (c is >= 0x600 and <= 0x6FF || c is >= 0x750 and <= 0x77F || c is >= 0x8A0 and <= 0x8FF || c is >= 0xFB50 and <= 0xFDFF || c is >= 0xFE70 and <= 0xFEFF) return Script.Arabic;
        if (c is >= 0x900 and <= 0x97F) return Script.Devanagari;
        if (c is >= 0x980 and <= 0x9FF) return Script.Bengali;
        if (c is >= 0xA00 and <= 0xA7F) return Script.Gurmukhi;
        if (c is >= 0xA80 and <= 0xAFF) return Script.Gujarati;
        if (c is >= 0xB80 and <= 0xBFF) return Script.Tamil;
        if (c is >= 0xC00 and <= 0xC7F) return Script.Telugu;
        if (c is >= 0xD80 and <= 0xDFF) return Script.Sinhala;
        if (c is >= 0xE00 and <= 0xE7F) return Script.Thai;
        if (c is >= 0x10A0 and <= 0x10FF) return Script.Georgian;
        if (c is >= 0x1100 and <= 0x11FF || c is >= 0x3130 and <= 0x318F || c is >= 0xAC00 and <= 0xD7AF) return Script.Hangul;
        if (c is >= 0x1200 and <= 0x139F) return Script.Ethiopic;
        if (c is >= 0x3040 and <= 0x309F || c is >= 0x30A0 and <= 0x30FF || c is >= 0x31F0 and <= 0x31FF || c is >= 0xFF66 and <= 0xFF9F) return Script.Kana;
        if (c is >= 0x2E80 and <= 0x2FDF || c is 0x3005 or 0x3007 || c is >= 0x3021 and <= 0x3029 || c is >= 0x3400 and <= 0x4DBF
            || c is >= 0x4E00 and <= 0x9FFF || c is >= 0xF900 and <= 0xFAFF || c is >= 0x20000 and <= 0x3134F) return Script.Han;
        return Rune.IsLetter(rune) ? Script.Other : Script.None;
    }

    /// <summary>Han and Kana are written without spaces between words: each character is read as a word of its own.</summary>
    public static bool IsCharacterWord(Script script) => script is Script.Han or Script.Kana;

    /// <summary>
    /// How much a word of the script counts: 1, but a Han character 2/3 and a Kana character 1/2 of a word, because
    /// a text takes about 1.5 Han characters (Chinese) or 2 Han and Kana characters (Japanese) per English word
    /// (measured on Debian's parallel debian-hints translations; see bench/README.md).
    /// </summary>
    public static double WordWeight(Script script) => script switch
    {
        Script.Han => 2.0 / 3,
        Script.Kana => 0.5,
        _ => 1.0,
    };

    /// <summary>Scripts whose single letters are read as maths variables (x, a, α), not words.</summary>
    public static bool HasVariableLetters(Script script) => script is Script.Latin or Script.Greek;

    /// <summary>The family a script belongs to.</summary>
    public static ScriptFamily Family(Script script) => script switch
    {
        Script.Han or Script.Kana => ScriptFamily.HanKana,
        Script.Hangul => ScriptFamily.Hangul,
        Script.Other => ScriptFamily.Other,
        _ => (ScriptFamily)(byte)script, // the two enums agree up to Ethiopic
    };

    /// <summary>The script family a language (ISO 639-1) is written in; Latin for those not listed.</summary>
    public static ScriptFamily FamilyOf(string iso6391) => iso6391 switch
    {
        "be" or "bg" or "kk" or "mk" or "mn" or "ru" or "sr" or "uk" => ScriptFamily.Cyrillic,
        "el" => ScriptFamily.Greek,
        "ar" or "fa" or "ur" => ScriptFamily.Arabic,
        "he" => ScriptFamily.Hebrew,
        "hi" or "mr" => ScriptFamily.Devanagari,
        "bn" => ScriptFamily.Bengali,
        "pa" => ScriptFamily.Gurmukhi,
        "gu" => ScriptFamily.Gujarati,
        "ta" => ScriptFamily.Tamil,
        "te" => ScriptFamily.Telugu,
        "si" => ScriptFamily.Sinhala,
        "th" => ScriptFamily.Thai,
        "ka" => ScriptFamily.Georgian,
        "hy" => ScriptFamily.Armenian,
        "am" or "ti" => ScriptFamily.Ethiopic,
        "zh" or "ja" => ScriptFamily.HanKana,
        "ko" => ScriptFamily.Hangul,
        _ => ScriptFamily.Latin,
    };
}
