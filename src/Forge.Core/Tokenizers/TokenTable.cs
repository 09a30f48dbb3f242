namespace Forge.Core.Tokenizers;

/// <summary>
/// A Hugging Face tokenizer's ids: id → spelling (vocabulary, then added tokens over it), which ids are special (dropped
/// by skipSpecialTokens), and the stop/pad/bos ids its tokenizer_config.json and generation_config.json name.
/// </summary>
internal sealed class TokenTable
{
    private readonly string?[] _tokens; // id -> vocabulary spelling or added-token content
    private readonly HashSet<int> _special;

    private TokenTable(IReadOnlyDictionary<string, int> vocab, IReadOnlyList<AddedToken> added, TokenizerConfig config)
    {
        _tokens = new string?[Math.Max(vocab.Values.DefaultIfEmpty(-1).Max(), added.Select(a => a.Id).DefaultIfEmpty(-1).Max()) + 1];
        foreach (var (token, id) in vocab) _tokens[id] = token;
        foreach (var token in added) _tokens[token.Id] = token.Content;
        _special = added.Where(a => a.Special).Select(a => a.Id).ToHashSet();
        Specials = SpecialTokenIds.Resolve(config, added, vocab, Count);
    }

    /// <summary>One past the highest id.</summary>
    public int Count => _tokens.Length;

    /// <summary>The stop, pad and bos ids.</summary>
    public SpecialTokenIds Specials { get; }

    /// <summary>The table of tokenizer.json <paramref name="file"/>, with the special ids of the configs beside it.</summary>
    public static TokenTable Read(IReadOnlyDictionary<string, int> vocab, IReadOnlyList<AddedToken> added, string file)
        => new(vocab, added, TokenizerConfig.Read(Path.GetDirectoryName(Path.GetFullPath(file))!));

    /// <summary>The spelling of <paramref name="id"/>, or false for an unknown id (and a special one when <paramref name="skipSpecialTokens"/>).</summary>
    public bool TrySpelling(int id, bool skipSpecialTokens, out string spelling)
    {
        spelling = (uint)id < (uint)_tokens.Length ? _tokens[id]! : null!;
        return spelling is not null && !(skipSpecialTokens && _special.Contains(id));
    }

    /// <summary>The spellings of <paramref name="ids"/>; unknown ids are dropped, as Hugging Face does, and special ones when asked.</summary>
    public IEnumerable<string> Spellings(IEnumerable<int> ids, bool skipSpecialTokens)
    {
        foreach (int id in ids)
            if (TrySpelling(id, skipSpecialTokens, out string token)) yield return token;
    }
}
