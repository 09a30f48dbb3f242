using System.Globalization;
using System.Numerics;

namespace Forge.Plugins.Rewards;

/// <summary>An exact fraction in lowest terms with a positive denominator, so equal values are equal records.</summary>
internal readonly record struct Rational
{
    /// <summary>Largest numerator or denominator that exact answer arithmetic keeps, in bits (about 1,200 digits).</summary>
    public const int MaxBits = 4096;

    public Rational(BigInteger numerator, BigInteger denominator)
    {
        if (denominator.IsZero) throw new DivideByZeroException();
        if (denominator.Sign < 0) (numerator, denominator) = (-numerator, -denominator);
        var gcd = BigInteger.GreatestCommonDivisor(numerator, denominator);
        if (!gcd.IsOne && !gcd.IsZero) (numerator, denominator) = (numerator / gcd, denominator / gcd);
        Numerator = numerator;
        Denominator = denominator.IsZero ? BigInteger.One : denominator;
    }

    /// <summary>0/1.</summary>
    public static Rational Zero { get; } = new(BigInteger.Zero, BigInteger.One);

    public BigInteger Numerator { get; }
    public BigInteger Denominator { get; }
    public bool IsZero => Numerator.IsZero;

    /// <summary>True when numerator and denominator both fit in <see cref="MaxBits"/> bits.</summary>
    public bool IsSmall => Numerator.GetBitLength() <= MaxBits && Denominator.GetBitLength() <= MaxBits;

    public static Rational operator +(Rational a, Rational b) => new(a.Numerator * b.Denominator + b.Numerator * a.Denominator, a.Denominator * b.Denominator);
    public static Rational operator -(Rational a, Rational b) => new(a.Numerator * b.Denominator - b.Numerator * a.Denominator, a.Denominator * b.Denominator);
    public static Rational operator *(Rational a, Rational b) => new(a.Numerator * b.Numerator, a.Denominator * b.Denominator);
    public static Rational operator /(Rational a, Rational b) => new(a.Numerator * b.Denominator, a.Denominator * b.Numerator);
    public static Rational operator -(Rational a) => new(-a.Numerator, a.Denominator);

    /// <summary>Parses an integer or a decimal such as "-12.5" (at most 40 characters).</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out Rational value)
    {
        value = default;
        if (text.IsEmpty || text.Length > 40) return false;
        bool negative = text[0] is '-' or '−';
        if (negative || text[0] == '+') text = text[1..];
        int dot = text.IndexOf('.');
        var whole = dot < 0 ? text : text[..dot];
        var fraction = dot < 0 ? [] : text[(dot + 1)..];
        if (whole.IsEmpty && fraction.IsEmpty) return false;
        foreach (char c in whole) if (!char.IsAsciiDigit(c)) return false;
        foreach (char c in fraction) if (!char.IsAsciiDigit(c)) return false;
        var numerator = BigInteger.Zero;
        foreach (char c in whole) numerator = numerator * 10 + (c - '0');
        var denominator = BigInteger.One;
        foreach (char c in fraction)
        {
            numerator = numerator * 10 + (c - '0');
            denominator *= 10;
        }
        value = new Rational(negative ? -numerator : numerator, denominator);
        return true;
    }

    /// <summary>
    /// The value of <paramref name="digits"/> (ASCII digits with at most one '.') times ten to the
    /// <paramref name="exponent"/>; null when it is malformed or larger than <see cref="MaxBits"/>.
    /// </summary>
    public static Rational? Decimal(ReadOnlySpan<char> digits, int exponent)
    {
        int point = digits.IndexOf('.');
        int scale = point < 0 ? 0 : digits.Length - point - 1;
        Span<char> plain = digits.Length <= 256 ? stackalloc char[digits.Length] : new char[digits.Length];
        int n = 0;
        foreach (char c in digits)
            if (c != '.') plain[n++] = c;
        if (n == 0 || !BigInteger.TryParse(plain[..n], NumberStyles.None, CultureInfo.InvariantCulture, out var mantissa)) return null;
        long shift = (long)exponent - scale;
        if (Math.Abs(shift) > MaxBits) return null;
        var ten = new BigInteger(10);
        var value = shift >= 0 ? new Rational(mantissa * BigInteger.Pow(ten, (int)shift), BigInteger.One)
            : new Rational(mantissa, BigInteger.Pow(ten, (int)-shift));
        return value.IsSmall ? value : null;
    }

    /// <summary>
    /// This to the power <paramref name="exponent"/> when the result is rational and at most <see cref="MaxBits"/>
    /// long: integer powers, and fractional ones whose root is exact (8^{1/3} = 2); else null.
    /// </summary>
    public Rational? Pow(Rational exponent)
    {
        if (exponent.Denominator.IsOne) return IntegerPow(exponent.Numerator);
        if (exponent.Denominator > 1000) return null;
        return Root((int)exponent.Denominator)?.IntegerPow(exponent.Numerator);
    }

    private Rational? IntegerPow(BigInteger exponent)
    {
        if (exponent.IsZero) return new Rational(BigInteger.One, BigInteger.One);
        if (IsZero) return exponent.Sign > 0 ? this : null;
        long bits = Math.Max(Numerator.GetBitLength(), Denominator.GetBitLength());
        if (BigInteger.Abs(exponent) * Math.Max(bits - 1, 1) > MaxBits) return null;
        int power = (int)BigInteger.Abs(exponent);
        var numerator = BigInteger.Pow(Numerator, power);
        var denominator = BigInteger.Pow(Denominator, power);
        return exponent.Sign > 0 ? new Rational(numerator, denominator) : new Rational(denominator, numerator);
    }

    /// <summary>The real <paramref name="degree"/>-th root when it is itself rational (√(9/4) = 3/2); else null.</summary>
    public Rational? Root(int degree)
    {
        if (degree < 1) return null;
        if (degree == 1) return this;
        if (Numerator.Sign < 0) return degree % 2 == 1 ? -(-this).Root(degree) : null;
        var numerator = IntegerRoot(Numerator, degree);
        var denominator = numerator is null ? null : IntegerRoot(Denominator, degree);
        return denominator is null ? null : new Rational(numerator!.Value, denominator.Value);
    }

    /// <summary>The exact <paramref name="degree"/>-th root of a non-negative integer, or null when it is not a perfect power.</summary>
    private static BigInteger? IntegerRoot(BigInteger value, int degree)
    {
        if (value < 2) return value;
        long bits = value.GetBitLength();
        if (degree >= bits) return null; // 1 < root < 2
        // Newton's iteration from above, x ← ((d−1)x + value / x^(d−1)) / d, decreases to ⌊root⌋.
        var x = BigInteger.One << (int)((bits + degree - 1) / degree);
        while (true)
        {
            var next = ((degree - 1) * x + value / BigInteger.Pow(x, degree - 1)) / degree;
            if (next >= x) break;
            x = next;
        }
        return BigInteger.Pow(x, degree) == value ? x : null;
    }

    /// <inheritdoc />
    public override string ToString() => Denominator.IsOne
        ? Numerator.ToString(CultureInfo.InvariantCulture)
        : $"{Numerator.ToString(CultureInfo.InvariantCulture)}/{Denominator.ToString(CultureInfo.InvariantCulture)}";
}
