using Forge.Contracts.Models;
using Forge.Contracts.Sampling;

namespace Forge.Plugins.Sampling;

/// <summary>When a completion ends: a stop token (the tokenizer's or the settings'), or a stop string in its text.</summary>
internal sealed class StopConditions(ITokenizer tokenizer, GenerationSettings settings)
{
    private readonly HashSet<int> _stopIds = [.. tokenizer.StopTokenIds, .. settings.StopTokenIds];
    private readonly int _window = settings.StopStrings.Count == 0 ? 0 : settings.StopStrings.Max(s => s.Length) + 8;

    /// <summary>True when the last token ends the completion.</summary>
    public bool IsStop(List<int> tokens)
    {
        if (_stopIds.Contains(tokens[^1])) return true;
        if (_window == 0) return false;
        // Decode only a tail long enough to hold any stop string (tokens are at least one character).
        string tail = tokenizer.Decode(tokens.Skip(Math.Max(0, tokens.Count - _window)), skipSpecialTokens: false);
        return settings.StopStrings.Any(s => tail.Contains(s, StringComparison.Ordinal));
    }

    /// <summary>The text up to and including the first stop string.</summary>
    public string Cut(string text)
    {
        int best = -1, length = 0;
        foreach (string s in settings.StopStrings)
        {
            int at = text.IndexOf(s, StringComparison.Ordinal);
            if (at >= 0 && (best < 0 || at < best)) (best, length) = (at, s.Length);
        }
        return best < 0 ? text : text[..(best + length)];
    }
}
