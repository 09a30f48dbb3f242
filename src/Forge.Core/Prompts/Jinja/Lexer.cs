using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Forge.Core.Prompts.Jinja;

/// <summary>
/// Splits a template into text and tag tokens with jinja2's whitespace rules as transformers configures them:
/// <c>trim_blocks</c> (the first newline after a block or comment tag goes), <c>lstrip_blocks</c> (spaces and tabs
/// before a block or comment tag that starts its line go), <c>-</c> on a tag's side strips all whitespace on that side,
/// <c>+</c> keeps it, and one trailing newline of the template goes (<c>keep_trailing_newline=False</c>).
/// </summary>
internal sealed partial class Lexer
{
    private static readonly string[] Operators =
        ["//", "**", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "~", "<", ">", "(", ")", "[", "]", "{", "}", ",", ".", ":", "|", "="];

    private readonly string _source;
    private readonly string _name;
    private readonly List<Token> _tokens = [];
    private readonly List<int> _lineStarts = [0];
    private int _pos;

    private Lexer(string source, string name)
    {
        _source = source.EndsWith('\n') ? source[..^(source.EndsWith("\r\n", StringComparison.Ordinal) ? 2 : 1)] : source;
        _name = name;
        for (int i = 0; i < _source.Length; i++)
            if (_source[i] == '\n') _lineStarts.Add(i + 1);
    }

    public static List<Token> Tokenize(string source, string name)
    {
        var lexer = new Lexer(source, name);
        lexer.Run();
        return lexer._tokens;
    }

    private void Run()
    {
        var strip = StripNext.None;
        bool lineStarting = true;
        while (_pos <= _source.Length)
        {
            int start = NextTagStart(_pos);
            int dataStart = _pos;
            string data = _source[_pos..(start < 0 ? _source.Length : start)];
            if (strip == StripNext.All) data = data.TrimStart();
            else if (strip == StripNext.Newline && data.StartsWith('\n')) data = data[1..];
            if (start < 0)
            {
                Emit(TokenKind.Text, data, dataStart);
                break;
            }
            char kind = _source[start + 1];
            char modifier = start + 2 < _source.Length ? _source[start + 2] : '\0';
            if (modifier == '-') data = data.TrimEnd();
            else if (kind != '{' && modifier != '+')
            {
                int lineStart = data.LastIndexOf('\n') + 1;
                if ((lineStart > 0 || lineStarting) && data.Length > lineStart && data[lineStart..].All(c => c is ' ' or '\t' or '\r' or '\f' or '\v'))
                    data = data[..lineStart];
            }
            Emit(TokenKind.Text, data, dataStart);
            _pos = start + 2 + (modifier is '-' or '+' ? 1 : 0);
            strip = kind switch
            {
                '#' => Comment(start),
                '%' when RawBegin().Match(_source, start) is { Success: true } raw && raw.Index == start => Raw(start, raw),
                '%' => Tag(start, TokenKind.BlockBegin, TokenKind.BlockEnd, '%'),
                _ => Tag(start, TokenKind.VariableBegin, TokenKind.VariableEnd, '}'),
            };
            lineStarting = strip switch
            {
                StripNext.Newline => _pos < _source.Length && _source[_pos] == '\n',
                StripNext.All => _source.AsSpan(_pos).Length != _source.AsSpan(_pos).TrimStart().Length
                    && _source[_pos + _source.AsSpan(_pos).Length - _source.AsSpan(_pos).TrimStart().Length - 1] == '\n',
                _ => false,
            };
        }
        Emit(TokenKind.End, "", _source.Length);
    }

    private enum StripNext { None, Newline, All }

    private int NextTagStart(int from)
    {
        for (int i = _source.IndexOf('{', from); i >= 0 && i + 1 < _source.Length; i = _source.IndexOf('{', i + 1))
            if (_source[i + 1] is '{' or '%' or '#') return i;
        return -1;
    }

    /// <summary><c>{% raw %}…{% endraw %}</c>: the text between, untouched but for the tags' whitespace control.</summary>
    private StripNext Raw(int start, Match begin)
    {
        var end = RawEnd().Match(_source, begin.Index + begin.Length);
        if (!end.Success) throw Error(start, "'{% raw %}' is never closed (expected '{% endraw %}')");
        string content = _source[(begin.Index + begin.Length)..end.Index];
        if (begin.Groups[1].Value == "-") content = content.TrimStart();
        if (end.Groups[1].Value == "-") content = content.TrimEnd();
        else if (end.Groups[1].Value != "+")
        {
            int lineStart = content.LastIndexOf('\n') + 1;
            if (lineStart > 0 && content[lineStart..].All(c => c is ' ' or '\t')) content = content[..lineStart];
        }
        Emit(TokenKind.Text, content, begin.Index + begin.Length);
        _pos = end.Index + end.Length;
        return end.Groups[2].Value switch
        {
            "-" => StripNext.All,
            "+" => StripNext.None,
            _ => StripNext.Newline,
        };
    }

    [GeneratedRegex(@"\G\{%[-+]?\s*raw\s*([-+]?)%\}")]
    private static partial Regex RawBegin();

    [GeneratedRegex(@"\{%([-+]?)\s*endraw\s*([-+]?)%\}")]
    private static partial Regex RawEnd();

    private StripNext Comment(int start)
    {
        int end = _source.IndexOf("#}", _pos, StringComparison.Ordinal);
        if (end < 0) throw Error(start, "unterminated comment");
        bool minus = _source[end - 1] == '-' && end - 1 >= _pos;
        bool plus = _source[end - 1] == '+' && end - 1 >= _pos;
        _pos = end + 2;
        return minus ? StripNext.All : plus ? StripNext.None : StripNext.Newline;
    }

    private StripNext Tag(int start, TokenKind begin, TokenKind endKind, char closer)
    {
        Emit(begin, begin == TokenKind.BlockBegin ? "{%" : "{{", start);
        int depth = 0;
        while (true)
        {
            while (_pos < _source.Length && char.IsWhiteSpace(_source[_pos])) _pos++;
            if (_pos >= _source.Length) throw Error(start, $"unterminated tag: no '{closer}}}'");
            if (depth == 0)
            {
                foreach (var (text, strip) in new[] { ("-" + closer + "}", StripNext.All), ("+" + closer + "}", StripNext.None), (closer + "}", (StripNext?)null) })
                {
                    if (string.CompareOrdinal(_source, _pos, text, 0, text.Length) != 0) continue;
                    Emit(endKind, closer + "}", _pos);
                    _pos += text.Length;
                    return strip ?? (endKind == TokenKind.BlockEnd ? StripNext.Newline : StripNext.None);
                }
            }
            char c = _source[_pos];
            if (c is '"' or '\'') ReadString();
            else if (char.IsAsciiDigit(c)) ReadNumber();
            else if (char.IsAsciiLetter(c) || c == '_')
            {
                int s = _pos;
                while (_pos < _source.Length && (char.IsAsciiLetterOrDigit(_source[_pos]) || _source[_pos] == '_')) _pos++;
                Emit(TokenKind.Name, _source[s.._pos], s);
            }
            else
            {
                string? op = Operators.FirstOrDefault(o => string.CompareOrdinal(_source, _pos, o, 0, o.Length) == 0)
                    ?? throw Error(_pos, $"unexpected character '{c}'");
                if (op is "(" or "[" or "{") depth++;
                else if (op is ")" or "]" or "}") depth--;
                Emit(TokenKind.Operator, op, _pos);
                _pos += op.Length;
            }
        }
    }

    private void ReadNumber()
    {
        int s = _pos;
        while (_pos < _source.Length && (char.IsAsciiDigit(_source[_pos]) || _source[_pos] == '_')) _pos++;
        bool isFloat = false;
        if (_pos + 1 < _source.Length && _source[_pos] == '.' && char.IsAsciiDigit(_source[_pos + 1]))
        {
            isFloat = true;
            _pos++;
            while (_pos < _source.Length && char.IsAsciiDigit(_source[_pos])) _pos++;
        }
        if (_pos < _source.Length && _source[_pos] is 'e' or 'E')
        {
            int e = _pos + 1;
            if (e < _source.Length && _source[e] is '+' or '-') e++;
            if (e < _source.Length && char.IsAsciiDigit(_source[e]))
            {
                isFloat = true;
                _pos = e;
                while (_pos < _source.Length && char.IsAsciiDigit(_source[_pos])) _pos++;
            }
        }
        Emit(isFloat ? TokenKind.Float : TokenKind.Integer, _source[s.._pos].Replace("_", "", StringComparison.Ordinal), s);
    }

    private void ReadString()
    {
        int s = _pos;
        char quote = _source[_pos++];
        var sb = new StringBuilder();
        while (true)
        {
            if (_pos >= _source.Length) throw Error(s, "unterminated string");
            char c = _source[_pos++];
            if (c == quote) break;
            if (c != '\\')
            {
                sb.Append(c);
                continue;
            }
            if (_pos >= _source.Length) throw Error(s, "unterminated string");
            char e = _source[_pos++];
            switch (e)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case '0': sb.Append('\0'); break;
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'v': sb.Append('\v'); break;
                case '\\': case '\'': case '"': sb.Append(e); break;
                case '\n': break;
                case 'x': sb.Append(Hex(2, s)); break;
                case 'u': sb.Append(Hex(4, s)); break;
                case 'U': sb.Append(Hex(8, s)); break;
                default: sb.Append('\\').Append(e); break; // Python keeps unknown escapes as written
            }
        }
        Emit(TokenKind.String, sb.ToString(), s);
    }

    private string Hex(int digits, int start)
    {
        if (_pos + digits > _source.Length || !int.TryParse(_source.AsSpan(_pos, digits), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int code))
            throw Error(start, "bad \\x, \\u or \\U escape in string");
        _pos += digits;
        return char.ConvertFromUtf32(code);
    }

    private void Emit(TokenKind kind, string value, int offset)
    {
        if (kind == TokenKind.Text && value.Length == 0) return;
        var (line, column) = Position(offset);
        _tokens.Add(new Token(kind, value, line, column));
    }

    /// <summary>The 1-based line and column of <paramref name="offset"/>.</summary>
    private (int Line, int Column) Position(int offset)
    {
        int index = _lineStarts.BinarySearch(offset);
        int line = index >= 0 ? index : ~index - 1;
        return (line + 1, offset - _lineStarts[line] + 1);
    }

    private ForgeDataException Error(int offset, string message)
    {
        var (line, column) = Position(offset);
        return new ForgeDataException($"{_name}:{line}:{column}: {message}");
    }
}
