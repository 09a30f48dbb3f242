using System.Globalization;

namespace Forge.Plugins.Rewards;

/// <summary>
/// Evaluates simple LaTeX arithmetic to a number with a recursive-descent parser: numbers (with thousands
/// separators, and in scientific notation: <c>2.5e-3</c>), + − · × ÷ / ^, parentheses and braces, <c>\frac</c>
/// (<c>\dfrac</c>, <c>\tfrac</c>), <c>\sqrt</c>, <c>\sqrt[n]</c>, <c>\pi</c>, implicit multiplication
/// (<c>2\sqrt{2}</c>, <c>3(4)</c>) and mixed numbers (<c>2\frac{1}{2}</c> = 2.5). The value is exact (a
/// <see cref="Rational"/>) unless π or an irrational root or power enters it. Nothing is executed; nesting is bounded
/// by <see cref="MaxDepth"/>; any other character (a variable, an unknown command) makes the whole text unparseable.
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
    public static bool TryEvaluate(ReadOnlySpan<char> text, out NumericValue value)
    {
        var parser = new LatexArithmetic(text);
        parser.SkipSpaces();
        value = default;
        if (parser._pos >= text.Length) return false;
        var result = parser.Expression();
        parser.SkipSpaces();
        if (parser._failed || parser._pos != text.Length || !double.IsFinite(result.Approximate)) return false;
        value = result;
        return true;
    }

    private static NumericValue Nan => NumericValue.Inexact(double.NaN);

    private NumericValue Fail()
    {
        _failed = true;
        return Nan;
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

    private NumericValue Expression()
    {
        if (!Enter()) return Nan;
        var value = Term();
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

    private NumericValue Term()
    {
        if (!Enter()) return Nan;
        int start = _pos;
        var value = Unary();
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
                var divisor = Unary();
                value = divisor.IsZero ? Fail() : value / divisor;
            }
            else if (bareInteger && command is "frac" or "dfrac" or "tfrac" && TryMixedFraction(out var fraction))
            {
                value = value.Approximate < 0 ? value - fraction : value + fraction; // 2\frac{1}{2} is two and a half
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
    private bool TryMixedFraction(out NumericValue fraction)
    {
        int save = _pos;
        fraction = default;
        _pos += PeekCommand().Length + 1;
        if (TryDigitGroup(out var numerator) && TryDigitGroup(out var denominator) && denominator.Approximate > 0
            && numerator.Approximate < denominator.Approximate)
        {
            fraction = numerator / denominator;
            return true;
        }
        _pos = save;
        return false;
    }

    private bool TryDigitGroup(out NumericValue value)
    {
        value = default;
        SkipSpaces();
        if (Peek() != '{') return false;
        int end = _pos + 1;
        while (end < _s.Length && char.IsAsciiDigit(_s[end])) end++;
        if (end == _pos + 1 || end >= _s.Length || _s[end] != '}') return false;
        value = Literal(_s[(_pos + 1)..end], 0);
        _pos = end + 1;
        return true;
    }

    private NumericValue Unary()
    {
        if (!Enter()) return Nan;
        SkipSpaces();
        char c = Peek();
        NumericValue value;
        if (c is '-' or '−' or '–') { _pos++; value = -Unary(); }
        else if (c == '+') { _pos++; value = Unary(); }
        else value = Power();
        _depth--;
        return value;
    }

    private NumericValue Power()
    {
        if (!Enter()) return Nan;
        var value = Primary();
        SkipSpaces();
        if (!_failed && Peek() == '^')
        {
            _pos++;
            SkipSpaces();
            NumericValue exponent;
            if (Peek() is '-' or '−')
            {
                _pos++;
                exponent = -Power();
            }
            else exponent = Power();
            value = value.Pow(exponent);
        }
        _depth--;
        return value;
    }

    private NumericValue Primary()
    {
        if (!Enter()) return Nan;
        SkipSpaces();
        char c = Peek();
        NumericValue value;
        if (char.IsAsciiDigit(c) || c == '.') value = Number();
        else if (c == '(') value = Group(')');
        else if (c == '[') value = Group(']');
        else if (c == '{') value = Group('}');
        else if (c == 'π') { _pos++; value = Pi; }
        else if (c == '√') { _pos++; value = Root(Two, Argument()); }
        else if (c == '\\')
        {
            var command = PeekCommand();
            _pos += command.Length + 1;
            if (command is "frac" or "dfrac" or "tfrac" or "cfrac")
            {
                var numerator = Argument();
                var denominator = Argument();
                value = denominator.IsZero ? Fail() : numerator / denominator;
            }
            else if (command is "sqrt")
            {
                var degree = Two;
                SkipSpaces();
                if (Peek() == '[') degree = Group(']');
                value = Root(degree, Argument());
            }
            else if (command is "pi") value = Pi;
            else value = Fail();
        }
        else value = Fail();
        _depth--;
        return value;
    }

    private static NumericValue Pi => NumericValue.Inexact(Math.PI);

    private static NumericValue Two => new(2, new Rational(2, 1));

    private NumericValue Group(char close)
    {
        _pos++;
        var value = Expression();
        SkipSpaces();
        if (Peek() != close) return Fail();
        _pos++;
        return value;
    }

    /// <summary>A command argument: a braced expression, a single digit (<c>\frac12</c>) or a command (<c>\frac\pi2</c>).</summary>
    private NumericValue Argument()
    {
        SkipSpaces();
        char c = Peek();
        if (c == '{') return Group('}');
        if (char.IsAsciiDigit(c))
        {
            _pos++;
            return new NumericValue(c - '0', new Rational(c - '0', 1));
        }
        if (c is '\\' or 'π') return Primary();
        return Fail();
    }

    private NumericValue Root(NumericValue degreeValue, NumericValue radicandValue)
    {
        if (_failed) return Nan;
        double degree = degreeValue.Approximate;
        if (degree < 1 || degree != Math.Floor(degree) || degree > 1000) return Fail();
        if (radicandValue.Approximate < 0 && degree % 2 == 0) return Fail();
        return radicandValue.Root((int)degree);
    }

    /// <summary>
    /// A decimal number, exact: "1,000,000" (groups of exactly three digits after each comma) is one number, and an
    /// exponent ("1e3", "2.5E-3") is read when digits follow the e.
    /// </summary>
    private NumericValue Number()
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
        Span<char> digits = literal.Length <= 256 ? stackalloc char[literal.Length] : new char[literal.Length];
        int n = 0;
        foreach (char ch in literal)
            if (ch != ',') digits[n++] = ch;
        return Literal(digits[..n], Exponent());
    }

    /// <summary>Reads "e3", "E+3" or "e-3" after a number; 0 (reading nothing) when no digits follow the e.</summary>
    private int Exponent()
    {
        if (Peek() is not ('e' or 'E')) return 0;
        int at = _pos + 1;
        bool negative = false;
        if (at < _s.Length && _s[at] is '+' or '-' or '−')
        {
            negative = _s[at] != '+';
            at++;
        }
        int digits = at;
        while (at < _s.Length && char.IsAsciiDigit(_s[at])) at++;
        if (at == digits || at - digits > 6) return 0;
        int exponent = int.Parse(_s[digits..at], NumberStyles.None, CultureInfo.InvariantCulture);
        _pos = at;
        return negative ? -exponent : exponent;
    }

    /// <summary>The number <paramref name="digits"/> (digits and at most one '.') × 10^<paramref name="exponent"/>.</summary>
    private static NumericValue Literal(ReadOnlySpan<char> digits, int exponent)
    {
        double approximate = exponent == 0
            ? double.Parse(digits, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture)
            : double.Parse($"{digits}e{exponent}", NumberStyles.Float, CultureInfo.InvariantCulture);
        return new NumericValue(approximate, Rational.Decimal(digits, exponent));
    }

    /// <summary>Three digits at <paramref name="at"/> not followed by a fourth.</summary>
    private readonly bool IsDigitGroup(int at) =>
        at + 3 <= _s.Length && char.IsAsciiDigit(_s[at]) && char.IsAsciiDigit(_s[at + 1]) && char.IsAsciiDigit(_s[at + 2])
        && (at + 3 == _s.Length || !char.IsAsciiDigit(_s[at + 3]));
}
