namespace Forge.Core.Tokenizers;

/// <summary>
/// An entry of tokenizer.json's added_tokens: matched whole in the text before anything else. <paramref name="Special"/>
/// ones (control tokens) are dropped when decoding with skipSpecialTokens; <paramref name="LStrip"/>/<paramref name="RStrip"/>
/// swallow the whitespace before/after a match.
/// </summary>
internal sealed record AddedToken(string Content, int Id, bool Special, bool LStrip = false, bool RStrip = false);
