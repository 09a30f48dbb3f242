namespace Forge.Core.Tokenizers;

/// <summary>
/// Cuts text at added tokens, as Hugging Face does before normalizing: the leftmost match wins, the longest token at
/// that position. Text between matches comes back as plain segments (Id -1).
/// </summary>
internal sealed class AddedTokenSplitter
{
    private readonly Dictionary<char, AddedToken[]> _byFirstChar; // longest first

    public AddedTokenSplitter(IEnumerable<AddedToken> tokens)
    {
        _byFirstChar = tokens.Where(t => t.Content.Length > 0)
            .GroupBy(t => t.Content[0])
            .ToDictionary(g => g.Key, g => g.OrderByDescending(t => t.Content.Length).ToArray());
    }

    public List<(string Text, int Id)> Split(string text)
    {
        var segments = new List<(string, int)>();
        int plainStart = 0;
        for (int i = 0; i < text.Length;)
        {
            var token = Match(text, i);
            if (token is null)
            {
                i++;
                continue;
            }
            int start = i, end = i + token.Content.Length;
            if (token.LStrip) while (start > plainStart && char.IsWhiteSpace(text[start - 1])) start--;
            if (token.RStrip) while (end < text.Length && char.IsWhiteSpace(text[end])) end++;
            if (start > plainStart) segments.Add((text[plainStart..start], -1));
            segments.Add((token.Content, token.Id));
            plainStart = i = end;
        }
        if (plainStart < text.Length) segments.Add((text[plainStart..], -1));
        return segments;
    }

    private AddedToken? Match(string text, int at)
    {
        if (!_byFirstChar.TryGetValue(text[at], out var candidates)) return null;
        foreach (var token in candidates)
            if (string.CompareOrdinal(text, at, token.Content, 0, token.Content.Length) == 0) return token;
        return null;
    }
}
