namespace Forge.Plugins.Rewards;

/// <summary>
/// A number computed two ways at once: always as a double, and as an exact <see cref="Rational"/> while every step
/// is exact (integers, decimals, + − × ÷, integer powers, roots of perfect powers). π, √2 or 2^{0.3} make it inexact.
/// </summary>
/// <param name="Approximate">The double value.</param>
/// <param name="Exact">The exact value, or null when it is irrational or too large to keep.</param>
internal readonly record struct NumericValue(double Approximate, Rational? Exact)
{
    /// <summary>An inexact value.</summary>
    public static NumericValue Inexact(double value) => new(value, null);

    /// <summary>True when the value is zero.</summary>
    public bool IsZero => Exact?.IsZero ?? Approximate == 0;

    public static NumericValue operator +(NumericValue a, NumericValue b) =>
        new(a.Approximate + b.Approximate, a.Exact is { } x && b.Exact is { } y ? Small(x + y) : null);

    public static NumericValue operator -(NumericValue a, NumericValue b) =>
        new(a.Approximate - b.Approximate, a.Exact is { } x && b.Exact is { } y ? Small(x - y) : null);

    public static NumericValue operator *(NumericValue a, NumericValue b) =>
        new(a.Approximate * b.Approximate, a.Exact is { } x && b.Exact is { } y ? Small(x * y) : null);

    public static NumericValue operator /(NumericValue a, NumericValue b) =>
        new(a.Approximate / b.Approximate, a.Exact is { } x && b.Exact is { IsZero: false } y ? Small(x / y) : null);

    public static NumericValue operator -(NumericValue a) => new(-a.Approximate, -a.Exact);

    /// <summary>This to the power <paramref name="exponent"/>.</summary>
    public NumericValue Pow(NumericValue exponent) =>
        new(Math.Pow(Approximate, exponent.Approximate), Exact is { } x && exponent.Exact is { } e ? x.Pow(e) : null);

    /// <summary>The <paramref name="degree"/>-th root of this non-negative (or, for an odd degree, negative) value.</summary>
    public NumericValue Root(int degree) => new(
        degree == 2 ? Math.Sqrt(Approximate) : Approximate < 0 ? -Math.Pow(-Approximate, 1.0 / degree) : Math.Pow(Approximate, 1.0 / degree),
        Exact?.Root(degree));

    private static Rational? Small(Rational value) => value.IsSmall ? value : null;

    /// <summary>
    /// True when the two values are the same number: exactly when both are exact (two distinct exact numbers are
    /// never equal, however close), else within <paramref name="relativeTolerance"/>.
    /// </summary>
    public bool SameAs(NumericValue other, double relativeTolerance)
    {
        if (Exact is { } a && other.Exact is { } b) return a == b;
        double x = Approximate, y = other.Approximate;
        return x == y || Math.Abs(x - y) <= Math.Max(relativeTolerance * Math.Max(Math.Abs(x), Math.Abs(y)), 1e-12);
    }
}
