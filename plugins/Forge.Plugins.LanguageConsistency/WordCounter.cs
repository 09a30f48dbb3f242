using System.Globalization;
using System.Text;
using Lingua;

namespace Forge.Plugins.LanguageConsistency;

/// <summary>
/// Counts the words of a text and how many of them are in a target language.
/// <list type="bullet">
/// <item>Words are runs of letters (with inner apostrophes and hyphens) of one script. A run touching a digit
/// ("3x", "x2", "2024") is a number and does not count; nor do punctuation, symbols or LaTeX commands (<c>\frac</c>).</item>
/// <item>Han, Kana and Hangul are written without spaces: every such character counts as one word.</item>
/// <item>The text is cut into clauses at . ! ? ; 。！？； and line breaks (and after <see cref="MaxClauseWords"/> words).
/// Within a clause, a word written in a script the target language does not use is never a target word. Words in the
/// target's script are target words when the target is the only candidate language of that script (Russian among
/// Cyrillic, Korean for Hangul); otherwise Lingua classifies the clause's words of that script together (English
/// against German and French; Chinese against Japanese) and all of them count for the detected language.</item>
/// <item>A clause whose Latin words are all single letters (math variables: "x", "y") ignores them.</item>
/// </list>
/// </summary>
internal sealed class WordCounter(LanguageDetector? detector, IReadOnlyDictionary<ScriptFamily, int> candidatesPerFamily)
{
    /// <summary>Longest clause handed to Lingua, in words.</summary>
    public const int MaxClauseWords = 40;

    /// <summary>Counts the words of <paramref name="text"/> and those in <paramref name="target"/>.</summary>
    public (int Target, int Total) Count(string text, Language target, ScriptFamily targetFamily)
    {
        bool needsLingua = candidatesPerFamily.GetValueOrDefault(targetFamily) > 1;
        var clause = new Clause(this, text, target, targetFamily, needsLingua);
        int wordStart = -1, wordEnd = -1;
        Script wordScript = Script.None;
        bool wordHasDigit = false;

        void EndWord()
        {
            if (wordStart >= 0 && !wordHasDigit && wordScript != Script.None) clause.Add(wordScript, wordStart, wordEnd);
            wordStart = -1;
            wordHasDigit = false;
            wordScript = Script.None;
        }

        for (int i = 0; i < text.Length;)
        {
            Rune.DecodeFromUtf16(text.AsSpan(i), out Rune rune, out int length);
            int next = i + length;
            Script script = Scripts.Of(rune);
            if (script != Script.None)
            {
                if (Scripts.IsCharacterWord(script))
                {
                    EndWord();
                    clause.Add(script, i, next);
                }
                else if (wordStart >= 0 && (wordScript == script || wordScript == Script.None))
                {
                    wordScript = script;
                    wordEnd = next;
                }
                else
                {
                    EndWord();
                    (wordStart, wordEnd, wordScript) = (i, next, script);
                }
            }
            else if (Rune.IsDigit(rune) || Rune.IsNumber(rune))
            {
                if (wordStart < 0) wordStart = i;
                wordEnd = next;
                wordHasDigit = true;
            }
            else if (rune.Value == '\\' && next < text.Length && char.IsAsciiLetter(text[next]))
            {
                EndWord();
                while (next < text.Length && char.IsAsciiLetter(text[next])) next++; // a LaTeX command
            }
            else if (wordStart >= 0 && rune.Value is '\'' or '’' or '-' && next < text.Length && Scripts.Of(new Rune(text[next])) == wordScript
                     && wordScript != Script.None)
            {
                wordEnd = next; // don't, well-known
            }
            else if (wordStart >= 0 && Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark
                     or UnicodeCategory.EnclosingMark)
            {
                wordEnd = next;
            }
            else
            {
                EndWord();
                if (IsClauseEnd(rune.Value, text, next)) clause.End();
            }
            i = next;
        }
        EndWord();
        clause.End();
        return (clause.TargetWords, clause.TotalWords);
    }

    private static bool IsClauseEnd(int c, string text, int next) => c switch
    {
        '!' or '?' or ';' or '\n' or '\r' or '。' or '！' or '？' or '；' or '…' => true,
        '.' => next >= text.Length || char.IsWhiteSpace(text[next]),
        _ => false,
    };

    /// <summary>Words of the clause being read, and the running totals.</summary>
    private sealed class Clause(WordCounter owner, string text, Language target, ScriptFamily targetFamily, bool needsLingua)
    {
        private readonly List<(int Start, int End)> _targetScriptWords = [];
        private int _words, _otherWords, _latinWords, _targetFamilyWords;
        private bool _latinHasLongWord;

        public int TargetWords { get; private set; }
        public int TotalWords { get; private set; }

        public void Add(Script script, int start, int end)
        {
            var family = Scripts.Family(script);
            if (family == ScriptFamily.Latin)
            {
                _latinWords++;
                _latinHasLongWord |= end - start > 1;
            }
            else _otherWords++;
            if (family == targetFamily)
            {
                _targetFamilyWords++;
                if (needsLingua) _targetScriptWords.Add((start, end));
            }
            if (++_words >= MaxClauseWords) End();
        }

        public void End()
        {
            int latin = _latinHasLongWord ? _latinWords : 0;
            TotalWords += _otherWords + latin;
            int candidates = targetFamily == ScriptFamily.Latin ? latin : _targetFamilyWords;
            if (candidates > 0 && (!needsLingua || owner.Detect(text, _targetScriptWords, targetFamily) == target))
                TargetWords += candidates;
            _targetScriptWords.Clear();
            _words = _otherWords = _latinWords = _targetFamilyWords = 0;
            _latinHasLongWord = false;
        }
    }

    /// <summary>Lingua's verdict on the words, joined by spaces (without for Han/Kana, which has none).</summary>
    private Language Detect(string text, List<(int Start, int End)> words, ScriptFamily family)
    {
        if (detector is null) return Language.Unknown;
        var builder = new StringBuilder();
        string separator = family == ScriptFamily.HanKana ? "" : " ";
        foreach (var (start, end) in words)
        {
            if (builder.Length > 0) builder.Append(separator);
            builder.Append(text, start, end - start);
        }
        return detector.DetectLanguageOf(builder.ToString());
    }
}
