using System.Globalization;
using System.Numerics;

namespace Forge.Plugins.Rewards;

/// <summary>
/// Checks a countdown answer with a recursive-descent parser over integers, + − × ÷ and parentheses, in exact rational
/// arithmetic. Nesting is bounded; it stops as soon as more numbers are used than the puzzle has.
/// </summary>
internal ref struct CountdownExpression
{
    private const int MaxDepth = 100;
    private const int MaxDigits = 30;

    private readonly ReadOnlySpan<char> _s;
    private readonly int _maxNumbers;
    private readonly List<BigInteger> _used = [];
    private int _pos;
    private int _depth;
    private bool _failed;

    private CountdownExpression(ReadOnlySpan<char> text, int maxNumbers)
    {
        _s = text;
        _maxNumbers = maxNumbers;
    }

    /// <summary>True when <paramref name="answer"/> (optionally "expression = target") uses exactly <paramref name="sortedNumbers"/> and equals <paramref name="target"/>.</summary>
    public static bool Solves(string answer, BigInteger[] sortedNumbers, Rational target)
    {
        int equals = answer.IndexOf('=');
        if (equals < 0) return Check(answer, sortedNumbers, target);
        if (answer.IndexOf('=', equals + 1) >= 0) return false;
        var left = answer.AsSpan(0, equals);
        var right = answer.AsSpan(equals + 1);
        return (IsValue(right, target) && Check(left, sortedNumbers, target))
            || (IsValue(left, target) && Check(right, sortedNumbers, target));
    }

    private static bool IsValue(ReadOnlySpan<char> text, Rational target) =>
        Rational.TryParse(text.Trim(), out var value) && value == target;

    private static bool Check(ReadOnlySpan<char> text, BigInteger[] sortedNumbers, Rational target)
    {
        var parser = new CountdownExpression(text, sortedNumbers.Length);
        parser.SkipSpaces();
        var value = parser.Expression();
        parser.SkipSpaces();
        if (parser._failed || parser._pos != text.Length || parser._used.Count != sortedNumbers.Length) return false;
        parser._used.Sort();
        for (int i = 0; i < sortedNumbers.Length; i++)
            if (parser._used[i] != sortedNumbers[i]) return false;
        return value == target;
    }

    private Rational Fail()
    {
        _failed = true;
        return Rational.Zero;
    }

    private char Peek() => _pos < _s.Length ? _s[_pos] : '\0';

    private void SkipSpaces()
    {
        while (_pos < _s.Length && char.IsWhiteSpace(_s[_pos])) _pos++;
    }

    /// <summary>Consumes an operator of the given class; returns its canonical char or '\0'.</summary>
    private char Operator(bool additive)
    {
        SkipSpaces();
        char c = Peek();
        if (additive)
        {
            if (c == '+') { _pos++; return '+'; }
            if (c is '-' or '−' or '–') { _pos++; return '-'; }
            return '\0';
        }
        if (c is '*' or '×' or '·' or '⋅') { _pos++; return '*'; }
        if (c is '/' or '÷') { _pos++; return '/'; }
        if (c == '\\')
        {
            var rest = _s[(_pos + 1)..];
            if (rest.StartsWith("times") || rest.StartsWith("cdot")) { _pos += rest.StartsWith("times") ? 6 : 5; return '*'; }
            if (rest.StartsWith("div")) { _pos += 4; return '/'; }
        }
        return '\0';
    }

    private Rational Expression()
    {
        if (_failed || ++_depth > MaxDepth) return Fail();
        var value = Term();
        for (char op; !_failed && (op = Operator(additive: true)) != '\0';)
        {
            var right = Term();
            if (_failed) break;
            value = op == '+' ? value + right : value - right;
        }
        _depth--;
        return value;
    }

    private Rational Term()
    {
        if (_failed || ++_depth > MaxDepth) return Fail();
        var value = Factor();
        for (char op; !_failed && (op = Operator(additive: false)) != '\0';)
        {
            var right = Factor();
            if (_failed) break;
            if (op == '*') value *= right;
            else if (right.IsZero) return Fail();
            else value /= right;
        }
        _depth--;
        return value;
    }

    private Rational Factor()
    {
        if (_failed || ++_depth > MaxDepth) return Fail();
        SkipSpaces();
        char c = Peek();
        Rational value;
        if (c == '(')
        {
            _pos++;
            value = Expression();
            SkipSpaces();
            if (Peek() != ')') return Fail();
            _pos++;
        }
        else if (char.IsAsciiDigit(c))
        {
            int start = _pos;
            while (_pos < _s.Length && char.IsAsciiDigit(_s[_pos])) _pos++;
            if (_pos - start > MaxDigits || _used.Count >= _maxNumbers) return Fail();
            var n = BigInteger.Parse(_s[start.._pos], NumberStyles.None, CultureInfo.InvariantCulture);
            _used.Add(n);
            value = new Rational(n, BigInteger.One);
        }
        else return Fail();
        _depth--;
        return value;
    }
}
