using System.Text.RegularExpressions;

namespace Forge.Core.Tokenizers;

/// <summary>What a Split pre-tokenizer does with the pieces its pattern matches (Hugging Face's SplitDelimiterBehavior).</summary>
internal enum SplitBehavior
{
    Removed,
    Isolated,
    MergedWithPrevious,
    MergedWithNext,
    Contiguous,
}

/// <summary>
/// One Hugging Face <c>Split</c> pre-tokenizer: the pattern's matches and the gaps between them become pieces, then
/// <see cref="SplitBehavior"/> decides what happens to the matches (or, inverted, to the gaps).
/// </summary>
internal sealed class SplitStep(PreTokenizerRegex regex, SplitBehavior behavior, bool invert)
{
    public void Apply(string text, List<string> pieces)
    {
        if (text.Length == 0) return;
        var view = CodePointText.Of(text);
        var ranges = new List<(int Start, int End, bool Delimiter)>();
        int last = 0;
        for (var match = regex.Match(view.View); match.Success; match = regex.Next(match, view.View.Length))
        {
            if (match.Length == 0) continue;
            int start = view.ToText(match.Index), end = view.ToText(match.Index + match.Length);
            if (start > last) ranges.Add((last, start, invert));
            ranges.Add((start, end, !invert));
            last = end;
        }
        if (last < text.Length) ranges.Add((last, text.Length, invert));

        // A delimiter merges only with a neighbouring non-delimiter; Contiguous fuses runs of delimiters.
        int pending = -1; // start of a delimiter carried into the next piece
        for (int i = 0; i < ranges.Count; i++)
        {
            var (start, end, delimiter) = ranges[i];
            bool nextIsText = i + 1 < ranges.Count && !ranges[i + 1].Delimiter;
            switch (behavior)
            {
                case SplitBehavior.Removed when delimiter:
                    break;
                case SplitBehavior.MergedWithPrevious when delimiter && i > 0 && !ranges[i - 1].Delimiter:
                case SplitBehavior.Contiguous when delimiter && i > 0 && ranges[i - 1].Delimiter:
                    pieces[^1] += text[start..end];
                    break;
                case SplitBehavior.MergedWithNext when delimiter && nextIsText:
                    pending = start;
                    break;
                default:
                    pieces.Add(text[(pending >= 0 ? pending : start)..end]);
                    pending = -1;
                    break;
            }
        }
    }
}
