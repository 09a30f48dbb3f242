using System.Globalization;

namespace Forge.Plugins.Rewards;

/// <summary>
/// Evaluates simple LaTeX arithmetic to a number with a recursive-descent parser: numbers (with thousands
/// separators), + − · × ÷ / ^, parentheses and braces, <c>\frac</c> (<c>\dfrac</c>, <c>\tfrac</c>), <c>\sqrt</c>,
/// <c>\sqrt[n]</c>, <c>\pi</c>, implicit multiplication (<c>2\sqrt{2}</c>, <c>3(4)</c>) and mixed numbers
/// (<c>2\frac{1}{2}</c> = 2.5). Nothing is executed; nesting is bounded by <see cref="MaxDepth"/>; any other
/// character (a variable, an unknown command) makes the whole text unparseable.
/// </summary>
internal ref struct LatexArithmetic
{
    /// <summary>Deepest recursion accepted (each parenthesis level takes five frames, each unary sign one).</summary>
    public const int MaxDepth = 200;

    private readonly ReadOnlySpan<char> _s;
    private int _pos;
    private int _depth;
    private bool _failed;

    private LatexArithmetic(ReadOnlySpan<char> text) => _s = text;

    /// <summary>The value of <paramref name="text"/>; false when it is not a complete, finite arithmetic expression.</summary>
    public static bool TryEvaluate(ReadOnlySpan<char> text, out double value)
    {
        var parser = new LatexArithmetic(text);
        parser.SkipSpaces();
        if (parser._pos >= text.Length)
        {
            value = double.NaN;
            return false;
        }
        value = parser.Expression();
        parser.SkipSpaces();
        if (parser._failed || parser._pos != text.Length || !double.IsFinite(value))
        {
            value = double.NaN;
            return false;
        }
        return true;
    }

    private double Fail()
    {
        _failed = true;
        return double.NaN;
    }

    private bool Enter()
    {
        if (_failed) return false;
        if (++_depth > MaxDepth)
        {
            _failed = true;
            return false;
        }
        return true;
    }

    private char Peek() => _pos < _s.Length ? _s[_pos] : '\0';

    private void SkipSpaces()
    {
        while (_pos < _s.Length && char.IsWhiteSpace(_s[_pos])) _pos++;
    }

    /// <summary>The command name (letters after a backslash) at the position, without consuming it.</summary>
    private ReadOnlySpan<char> PeekCommand()
    {
        if (Peek() != '\\') return default;
        int end = _pos + 1;
        while (end < _s.Length && char.IsAsciiLetter(_s[end])) end++;
        return _s[(_pos + 1)..end];
    }

    private double Expression()
    {
        if (!Enter()) return double.NaN;
        double value = Term();
        while (!_failed)
        {
            SkipSpaces();
            char c = Peek();
            if (c == '+') { _pos++; value += Term(); }
            else if (c is '-' or '−' or '–') { _pos++; value -= Term(); }
            else break;
        }
        _depth--;
        return value;
    }

    private double Term()
    {
        if (!Enter()) return double.NaN;
        int start = _pos;
        double value = Unary();
        bool bareInteger = IsBareInteger(start);
        while (!_failed)
        {
            SkipSpaces();
            char c = Peek();
            var command = PeekCommand();
            if (c is '*' or '×' or '·' or '⋅' || command is "cdot" or "times")
            {
                _pos += c == '\\' ? command.Length + 1 : 1;
                value *= Unary();
            }
            else if (c is '/' or '÷' || command is "div")
            {
                _pos += c == '\\' ? command.Length + 1 : 1;
                double divisor = Unary();
                value = divisor == 0 ? Fail() : value / divisor;
            }
            else if (bareInteger && command is "frac" or "dfrac" or "tfrac" && TryMixedFraction(out double fraction))
            {
                value = value < 0 ? value - fraction : value + fraction; // 2\frac{1}{2} is two and a half
            }
            else if (c is '(' or '{' or '[' or 'π' or '√' || command is "frac" or "dfrac" or "tfrac" or "cfrac" or "sqrt" or "pi")
            {
                value *= Power(); // implicit multiplication
            }
            else break;
            bareInteger = false;
        }
        _depth--;
        return value;
    }

    /// <summary>True when the text from <paramref name="start"/> to here is an optionally signed run of digits.</summary>
    private readonly bool IsBareInteger(int start)
    {
        var span = _s[start.._pos].Trim();
        if (span.Length > 0 && span[0] is '-' or '+' or '−') span = span[1..].TrimStart();
        if (span.IsEmpty) return false;
        foreach (char c in span)
            if (!char.IsAsciiDigit(c)) return false;
        return true;
    }

    /// <summary>Reads <c>\frac{p}{q}</c> with digit-only p &lt; q as the fraction part of a mixed number; restores the position otherwise.</summary>
    private bool TryMixedFraction(out double fraction)
    {
        int save = _pos;
        fraction = 0;
        _pos += PeekCommand().Length + 1;
        if (TryDigitGroup(out double numerator) && TryDigitGroup(out double denominator) && denominator > 0 && numerator < denominator)
        {
            fraction = numerator / denominator;
            return true;
        }
        _pos = save;
        return false;
    }

    private bool TryDigitGroup(out double value)
    {
        value = 0;
        SkipSpaces();
        if (Peek() != '{') return false;
        int end = _pos + 1;
        while (end < _s.Length && char.IsAsciiDigit(_s[end])) end++;
        if (end == _pos + 1 || end >= _s.Length || _s[end] != '}') return false;
        value = double.Parse(_s[(_pos + 1)..end], NumberStyles.None, CultureInfo.InvariantCulture);
        _pos = end + 1;
        return true;
    }

    private double Unary()
    {
        if (!Enter()) return double.NaN;
        SkipSpaces();
        char c = Peek();
        double value;
        if (c is '-' or '−' or '–') { _pos++; value = -Unary(); }
        else if (c == '+') { _pos++; value = Unary(); }
        else value = Power();
        _depth--;
        return value;
    }

    private double Power()
    {
        if (!Enter()) return double.NaN;
        double value = Primary();
        SkipSpaces();
        if (!_failed && Peek() == '^')
        {
            _pos++;
            SkipSpaces();
            double exponent;
            if (Peek() is '-' or '−')
            {
                _pos++;
                exponent = -Power();
            }
            else exponent = Power();
            value = Math.Pow(value, exponent);
        }
        _depth--;
        return value;
    }

    private double Primary()
    {
        if (!Enter()) return double.NaN;
        SkipSpaces();
        char c = Peek();
        double value;
        if (char.IsAsciiDigit(c) || c == '.') value = Number();
        else if (c == '(') value = Group(')');
        else if (c == '[') value = Group(']');
        else if (c == '{') value = Group('}');
        else if (c == 'π') { _pos++; value = Math.PI; }
        else if (c == '√') { _pos++; value = Root(2, Argument()); }
        else if (c == '\\')
        {
            var command = PeekCommand();
            _pos += command.Length + 1;
            if (command is "frac" or "dfrac" or "tfrac" or "cfrac")
            {
                double numerator = Argument();
                double denominator = Argument();
                value = denominator == 0 ? Fail() : numerator / denominator;
            }
            else if (command is "sqrt")
            {
                double degree = 2;
                SkipSpaces();
                if (Peek() == '[') degree = Group(']');
                value = Root(degree, Argument());
            }
            else if (command is "pi") value = Math.PI;
            else value = Fail();
        }
        else value = Fail();
        _depth--;
        return value;
    }

    private double Group(char close)
    {
        _pos++;
        double value = Expression();
        SkipSpaces();
        if (Peek() != close) return Fail();
        _pos++;
        return value;
    }

    /// <summary>A command argument: a braced expression, a single digit (<c>\frac12</c>) or a command (<c>\frac\pi2</c>).</summary>
    private double Argument()
    {
        SkipSpaces();
        char c = Peek();
        if (c == '{') return Group('}');
        if (char.IsAsciiDigit(c))
        {
            _pos++;
            return c - '0';
        }
        if (c is '\\' or 'π') return Primary();
        return Fail();
    }

    private double Root(double degree, double radicand)
    {
        if (_failed) return double.NaN;
        if (degree == 2) return radicand < 0 ? Fail() : Math.Sqrt(radicand);
        if (degree < 1 || degree != Math.Floor(degree) || degree > 1000) return Fail();
        if (radicand < 0) return degree % 2 == 1 ? -Math.Pow(-radicand, 1 / degree) : Fail();
        return Math.Pow(radicand, 1 / degree);
    }

    /// <summary>A decimal number; "1,000,000" (groups of exactly three digits after each comma) is one number.</summary>
    private double Number()
    {
        int start = _pos;
        bool commas = false;
        while (_pos < _s.Length && char.IsAsciiDigit(_s[_pos])) _pos++;
        int leading = _pos - start;
        while (leading is > 0 and <= 3 || commas)
        {
            if (Peek() == ',' && IsDigitGroup(_pos + 1))
            {
                commas = true;
                _pos += 4;
            }
            else break;
        }
        if (Peek() == '.')
        {
            _pos++;
            while (_pos < _s.Length && char.IsAsciiDigit(_s[_pos])) _pos++;
        }
        var literal = _s[start.._pos];
        if (literal is "." || literal.IsEmpty) return Fail();
        if (!commas) return double.Parse(literal, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        Span<char> digits = literal.Length <= 256 ? stackalloc char[literal.Length] : new char[literal.Length];
        int n = 0;
        foreach (char ch in literal)
            if (ch != ',') digits[n++] = ch;
        return double.Parse(digits[..n], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
    }

    /// <summary>Three digits at <paramref name="at"/> not followed by a fourth.</summary>
    private readonly bool IsDigitGroup(int at) =>
        at + 3 <= _s.Length && char.IsAsciiDigit(_s[at]) && char.IsAsciiDigit(_s[at + 1]) && char.IsAsciiDigit(_s[at + 2])
        && (at + 3 == _s.Length || !char.IsAsciiDigit(_s[at + 3]));
}
