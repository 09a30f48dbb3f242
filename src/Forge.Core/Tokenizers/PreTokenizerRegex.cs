using System.Globalization;
using System.Text.RegularExpressions;

namespace Forge.Core.Tokenizers;

/// <summary>
/// A tokenizer.json pattern compiled so that no text can make it run forever: with .NET's non-backtracking engine
/// (linear in the text) when the pattern allows it, else — lookarounds, backreferences, atomic groups, as in the
/// GPT-2, Qwen and Llama 3 patterns — with the backtracking engine and a match timeout, which
/// <see cref="Match"/> turns into one line naming the file and the pattern. Oniguruma's <c>^</c> and <c>$</c> are line
/// anchors, which is .NET's Multiline.
/// </summary>
internal sealed class PreTokenizerRegex
{
    /// <summary>The longest one match may take with the backtracking engine; real patterns take microseconds.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(2);

    private const RegexOptions Common = RegexOptions.CultureInvariant | RegexOptions.Multiline;

    private readonly Regex _regex;
    private readonly string _pattern;
    private readonly string _file;

    private PreTokenizerRegex(Regex regex, string pattern, string file)
    {
        _regex = regex;
        _pattern = pattern;
        _file = file;
    }

    /// <summary>True when the linear-time engine runs it.</summary>
    public bool IsLinear => (_regex.Options & RegexOptions.NonBacktracking) != 0;

    /// <summary>Compiles <paramref name="pattern"/> (.NET syntax) of <paramref name="file"/>.</summary>
    public static PreTokenizerRegex Compile(string pattern, string file)
    {
        try
        {
            return new PreTokenizerRegex(new Regex(pattern, Common | RegexOptions.NonBacktracking), pattern, file);
        }
        catch (NotSupportedException)
        {
            // A construct only the backtracking engine has: bounded by the match timeout instead.
        }
        catch (ArgumentException)
        {
            // Invalid, or unsupported by the linear engine (it reports some constructs this way): the backtracking
            // engine below tells which.
        }
        try
        {
            return new PreTokenizerRegex(new Regex(pattern, Common | RegexOptions.Compiled, MatchTimeout), pattern, file);
        }
        catch (ArgumentException ex)
        {
            throw new ForgeDataException($"{file}: pre-tokenizer regex cannot be used in .NET ({ex.Message.ReplaceLineEndings(" ")})");
        }
    }

    /// <summary>The first match in <paramref name="text"/>; <see cref="Match.NextMatch"/> goes on through <see cref="Next"/>.</summary>
    public Match Match(string text) => Guard(() => _regex.Match(text), text.Length);

    /// <summary>The match after <paramref name="match"/>.</summary>
    public Match Next(Match match, int textLength) => Guard(match.NextMatch, textLength);

    private Match Guard(Func<Match> match, int textLength)
    {
        try
        {
            return match();
        }
        catch (RegexMatchTimeoutException ex)
        {
            throw new ForgeDataException(
                $"{_file}: pre-tokenizer regex \"{Abbreviate(_pattern)}\" ran longer than {MatchTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s "
                + $"on a piece of {textLength} characters (catastrophic backtracking); fix the pattern", ex);
        }
    }

    private static string Abbreviate(string pattern) => pattern.Length <= 120 ? pattern : pattern[..117] + "...";
}
