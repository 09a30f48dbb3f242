using System.Globalization;
using System.Text;

namespace Forge.Core.Tokenizers;

/// <summary>
/// Rewrites a tokenizer.json regex (Oniguruma syntax, as Hugging Face tokenizers runs it) into .NET syntax. .NET lacks
/// possessive quantifiers (<c>x++</c>, <c>x*+</c>, <c>x?+</c>, <c>x{1,3}+</c>: rewritten as atomic groups), <c>\x{HHHH}</c>
/// escapes and <c>{,n}</c> ranges; the rest (<c>\p{L}</c>, <c>(?i:...)</c>, lookarounds) reads the same in both.
/// </summary>
internal static class OnigPattern
{
    public static string ToDotNet(string pattern)
    {
        var output = new StringBuilder(pattern.Length + 16);
        var groups = new Stack<int>();
        int atom = -1; // where the last quantifiable item starts in output, -1 when there is none
        for (int i = 0; i < pattern.Length;)
        {
            if (atom >= 0 && Quantifier(pattern, i) is { } quantifier)
            {
                output.Append(quantifier.Text);
                i += quantifier.Length;
                if (i < pattern.Length && pattern[i] == '+')
                {
                    output.Insert(atom, "(?>").Append(')');
                    i++;
                }
                else if (i < pattern.Length && pattern[i] == '?')
                {
                    output.Append('?');
                    i++;
                }
                atom = -1;
                continue;
            }
            int start = output.Length;
            switch (pattern[i])
            {
                case '\\':
                    i += Escape(pattern, i, output);
                    atom = start;
                    break;
                case '[':
                    i += Class(pattern, i, output);
                    atom = start;
                    break;
                case '(':
                    groups.Push(start);
                    output.Append('(');
                    i++;
                    atom = -1;
                    break;
                case ')':
                    output.Append(')');
                    i++;
                    atom = groups.Count > 0 ? groups.Pop() : -1;
                    break;
                case '|' or '^' or '$':
                    output.Append(pattern[i++]);
                    atom = -1;
                    break;
                default:
                    output.Append(pattern[i++]);
                    atom = start;
                    break;
            }
        }
        return output.ToString();
    }

    private static (string Text, int Length)? Quantifier(string p, int i)
    {
        if (p[i] is '*' or '+' or '?') return (p[i].ToString(), 1);
        if (p[i] != '{') return null;
        int close = p.IndexOf('}', i);
        if (close < 0) return null;
        string body = p[(i + 1)..close];
        var parts = body.Split(',');
        bool valid = parts.Length <= 2 && parts.All(part => part.All(char.IsAsciiDigit)) && parts.Any(part => part.Length > 0);
        if (!valid) return null;
        return ("{" + (body.StartsWith(',') ? "0" + body : body) + "}", close - i + 1);
    }

    // Copies one escape starting at p[i] (translated where .NET differs) and returns how many pattern chars it used.
    private static int Escape(string p, int i, StringBuilder output)
    {
        if (i + 1 >= p.Length)
        {
            output.Append('\\');
            return 1;
        }
        char kind = p[i + 1];
        int close = i + 2 < p.Length && p[i + 2] == '{' ? p.IndexOf('}', i + 2) : -1;
        if (close > 0 && kind is 'p' or 'P')
        {
            output.Append(p, i, close - i + 1);
            return close - i + 1;
        }
        if (close > 0 && kind == 'x' && int.TryParse(p.AsSpan(i + 3, close - i - 3), NumberStyles.HexNumber, null, out int code))
        {
            foreach (char c in char.ConvertFromUtf32(code)) output.Append($"\\u{(int)c:X4}");
            return close - i + 1;
        }
        output.Append(p, i, 2);
        return 2;
    }

    // Copies a character class, nested classes included, and returns its length in the pattern.
    private static int Class(string p, int i, StringBuilder output)
    {
        int start = i, depth = 0;
        while (i < p.Length)
        {
            char c = p[i];
            if (c == '\\')
            {
                i += Escape(p, i, output);
                continue;
            }
            bool literalBracket = c == ']' && (p[i - 1] == '[' || (p[i - 1] == '^' && p[i - 2] == '['));
            output.Append(c);
            i++;
            if (c == '[') depth++;
            else if (c == ']' && !literalBracket && --depth == 0) break;
        }
        return i - start;
    }
}
