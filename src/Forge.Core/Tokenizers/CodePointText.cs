using System.Globalization;
using System.Text;

namespace Forge.Core.Tokenizers;

/// <summary>
/// .NET regexes see UTF-16 code units, so an astral character (𠀀, 𝐀, 😀) reads as two surrogates: not <c>\p{L}</c>
/// nor <c>\p{S}</c>, and two units to <c>{1,3}</c>. Hugging Face matches code points. This view swaps each astral
/// character for one BMP stand-in of the same Unicode category, so a pattern splits it as Hugging Face does, and maps
/// positions back to the original text.
/// </summary>
internal sealed class CodePointText
{
    private static readonly Dictionary<UnicodeCategory, char> StandIns = BuildStandIns();

    private readonly int[]? _offsets; // view index -> text index; null when the view is the text itself

    private CodePointText(string view, int[]? offsets)
    {
        View = view;
        _offsets = offsets;
    }

    /// <summary>The text the regex runs on.</summary>
    public string View { get; }

    public static CodePointText Of(string text)
    {
        if (!text.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF')) return new CodePointText(text, null);
        var view = new StringBuilder(text.Length);
        var offsets = new List<int>(text.Length + 1);
        for (int i = 0; i < text.Length; i++)
        {
            offsets.Add(i);
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                view.Append(StandIns[CharUnicodeInfo.GetUnicodeCategory(char.ConvertToUtf32(text[i], text[i + 1]))]);
                i++;
            }
            else view.Append(text[i]);
        }
        offsets.Add(text.Length);
        return new CodePointText(view.ToString(), [.. offsets]);
    }

    /// <summary>The text index of view index <paramref name="index"/>.</summary>
    public int ToText(int index) => _offsets is null ? index : _offsets[index];

    // The first BMP character of each category from U+00A0 on: clear of ASCII and CJK, which patterns name literally.
    private static Dictionary<UnicodeCategory, char> BuildStandIns()
    {
        var map = new Dictionary<UnicodeCategory, char>();
        for (int c = 0xA0; c <= 0xFFFF; c++)
        {
            if (c is >= 0xD800 and <= 0xDFFF) continue;
            map.TryAdd(CharUnicodeInfo.GetUnicodeCategory((char)c), (char)c);
        }
        return map;
    }
}
