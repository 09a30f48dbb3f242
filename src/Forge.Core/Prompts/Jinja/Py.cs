using System.Globalization;
using System.Text;

namespace Forge.Core.Prompts.Jinja;

/// <summary>
/// Python's semantics for template values (null is None, long and double are int and float, bool is an int):
/// truthiness, <c>str()</c>, <c>repr()</c>, equality, ordering, arithmetic, <c>in</c>, <c>len()</c> and iteration.
/// </summary>
internal static class Py
{
    public static bool Truthy(object? v) => v switch
    {
        null or Undefined => false,
        bool b => b,
        long l => l != 0,
        double d => d != 0,
        string s => s.Length > 0,
        System.Collections.ICollection c => c.Count > 0,
        _ => true,
    };

    public static string TypeName(object? v) => v switch
    {
        null => "NoneType",
        Undefined => "Undefined",
        bool => "bool",
        long => "int",
        double => "float",
        string => "str",
        JinjaTuple => "tuple",
        List<object?> => "list",
        JinjaDict => "dict",
        Namespace => "Namespace",
        JinjaCallable => "function",
        _ => v.GetType().Name,
    };

    public static string Str(object? v) => v switch
    {
        null => "None",
        Undefined => "",
        bool b => b ? "True" : "False",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => PyFloat.Repr(d),
        string s => s,
        Namespace ns => "<Namespace " + Repr(ns.Attributes) + ">",
        JinjaCallable c => "<function " + c.Name + ">",
        _ => Repr(v),
    };

    public static string Repr(object? v)
    {
        switch (v)
        {
            case string s:
                return ReprString(s);
            case JinjaTuple t:
                return "(" + string.Join(", ", t.Select(Repr)) + (t.Count == 1 ? ",)" : ")");
            case List<object?> list:
                return "[" + string.Join(", ", list.Select(Repr)) + "]";
            case JinjaDict dict:
                return "{" + string.Join(", ", dict.Select(kv => ReprString(kv.Key) + ": " + Repr(kv.Value))) + "}";
            default:
                return Str(v);
        }
    }

    private static string ReprString(string s)
    {
        char quote = s.Contains('\'') && !s.Contains('"') ? '"' : '\'';
        var sb = new StringBuilder().Append(quote);
        foreach (char c in s)
        {
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c == quote) sb.Append('\\').Append(c);
                    else if (c < 0x20 || c == 0x7f) sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append(quote).ToString();
    }

    private static bool IsNumber(object? v) => v is long or double or bool;

    private static double AsDouble(object? v) => v switch
    {
        long l => l,
        double d => d,
        bool b => b ? 1 : 0,
        _ => throw new InvalidOperationException(),
    };

    private static long AsLong(object? v) => v switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        _ => throw new InvalidOperationException(),
    };

    private static bool IsInt(object? v) => v is long or bool;

    public static new bool Equals(object? a, object? b)
    {
        if (a is null || b is null) return a is null && b is null;
        if (a is Undefined || b is Undefined) return a is Undefined && b is Undefined;
        if (IsNumber(a) && IsNumber(b)) return IsInt(a) && IsInt(b) ? AsLong(a) == AsLong(b) : AsDouble(a) == AsDouble(b);
        if (a is string sa) return b is string sb && sa == sb;
        if (a is List<object?> la)
            return b is List<object?> lb && (a is JinjaTuple) == (b is JinjaTuple) && la.Count == lb.Count && la.Zip(lb).All(p => Equals(p.First, p.Second));
        if (a is JinjaDict da)
            return b is JinjaDict db && da.Count == db.Count && da.All(kv => db.TryGetValue(kv.Key, out var other) && Equals(kv.Value, other));
        return ReferenceEquals(a, b);
    }

    public static int Compare(object? a, object? b, string op)
    {
        if (IsNumber(a) && IsNumber(b)) return IsInt(a) && IsInt(b) ? AsLong(a).CompareTo(AsLong(b)) : AsDouble(a).CompareTo(AsDouble(b));
        if (a is string sa && b is string sb) return string.CompareOrdinal(sa, sb);
        if (a is List<object?> la && b is List<object?> lb)
        {
            for (int i = 0; i < Math.Min(la.Count, lb.Count); i++)
                if (!Equals(la[i], lb[i])) return Compare(la[i], lb[i], op);
            return la.Count.CompareTo(lb.Count);
        }
        throw new JinjaRuntimeException($"'{op}' not supported between instances of '{TypeName(a)}' and '{TypeName(b)}'");
    }

    public static object? Add(object? a, object? b)
    {
        if (IsNumber(a) && IsNumber(b)) return IsInt(a) && IsInt(b) ? (object)(AsLong(a) + AsLong(b)) : AsDouble(a) + AsDouble(b);
        if (a is string sa && b is string sb) return sa + sb;
        if (a is List<object?> la && b is List<object?> lb && (a is JinjaTuple) == (b is JinjaTuple))
            return a is JinjaTuple ? new JinjaTuple(la.Concat(lb)) : new List<object?>(la.Concat(lb));
        if (a is Undefined u) throw UndefinedError(u);
        if (b is Undefined ub) throw UndefinedError(ub);
        if (a is string) throw new JinjaRuntimeException($"can only concatenate str (not \"{TypeName(b)}\") to str");
        if (a is List<object?>) throw new JinjaRuntimeException($"can only concatenate list (not \"{TypeName(b)}\") to list");
        throw Unsupported("+", a, b);
    }

    public static object? Arithmetic(string op, object? a, object? b)
    {
        if (a is Undefined ua) throw UndefinedError(ua);
        if (b is Undefined ub) throw UndefinedError(ub);
        if (op == "*")
        {
            if (a is string s && IsInt(b)) return Repeat(s, AsLong(b));
            if (b is string s2 && IsInt(a)) return Repeat(s2, AsLong(a));
            if (a is List<object?> l && IsInt(b)) return new List<object?>(Enumerable.Range(0, (int)Math.Max(0, AsLong(b))).SelectMany(_ => l));
        }
        if (!IsNumber(a) || !IsNumber(b)) throw Unsupported(op, a, b);
        bool ints = IsInt(a) && IsInt(b);
        switch (op)
        {
            case "-": return ints ? (object)(AsLong(a) - AsLong(b)) : AsDouble(a) - AsDouble(b);
            case "*": return ints ? (object)(AsLong(a) * AsLong(b)) : AsDouble(a) * AsDouble(b);
            case "**": return ints && AsLong(b) >= 0 ? (object)(long)Math.Pow(AsLong(a), AsLong(b)) : Math.Pow(AsDouble(a), AsDouble(b));
        }
        if (AsDouble(b) == 0) throw new JinjaRuntimeException(ints ? "integer division or modulo by zero" : "float division by zero");
        switch (op)
        {
            case "/": return AsDouble(a) / AsDouble(b);
            case "//":
                return ints ? (object)FloorDiv(AsLong(a), AsLong(b)) : Math.Floor(AsDouble(a) / AsDouble(b));
            case "%":
                if (ints)
                {
                    long m = AsLong(a) % AsLong(b);
                    return m != 0 && (m < 0) != (AsLong(b) < 0) ? (object)(m + AsLong(b)) : m;
                }
                double x = AsDouble(a), y = AsDouble(b);
                return x - Math.Floor(x / y) * y;
        }
        throw Unsupported(op, a, b);
    }

    private static long FloorDiv(long a, long b)
    {
        long q = a / b;
        return (a % b != 0) && ((a < 0) != (b < 0)) ? q - 1 : q;
    }

    private static string Repeat(string s, long n) =>
        n <= 0 ? "" : (double)s.Length * n > 100_000_000 ? throw new JinjaRuntimeException("string repetition over 100M characters")
        : new StringBuilder(s.Length * (int)n).Insert(0, s, (int)n).ToString();

    public static object? Negate(object? v) => v switch
    {
        long l => (object)(-l),
        double d => -d,
        bool b => b ? -1L : 0L,
        Undefined u => throw UndefinedError(u),
        _ => throw new JinjaRuntimeException($"bad operand type for unary -: '{TypeName(v)}'"),
    };

    public static bool Contains(object? container, object? item) => container switch
    {
        string s => item is string sub ? s.Contains(sub, StringComparison.Ordinal)
            : throw new JinjaRuntimeException($"'in <string>' requires string as left operand, not {TypeName(item)}"),
        JinjaDict d => item is string key && d.ContainsKey(key),
        List<object?> l => l.Any(x => Equals(x, item)),
        Undefined u => throw UndefinedError(u),
        _ => throw new JinjaRuntimeException($"argument of type '{TypeName(container)}' is not iterable"),
    };

    public static long Length(object? v) => v switch
    {
        string s => s.EnumerateRunes().Count(),
        System.Collections.ICollection c => c.Count,
        Undefined => 0,
        _ => throw new JinjaRuntimeException($"object of type '{TypeName(v)}' has no len()"),
    };

    /// <summary>What a for loop or a filter walks: a list's items, a dict's keys, a string's characters.</summary>
    public static List<object?> Iterate(object? v) => v switch
    {
        List<object?> l => l,
        JinjaDict d => d.Keys.Cast<object?>().ToList(),
        string s => s.EnumerateRunes().Select(r => (object?)r.ToString()).ToList(),
        Undefined => [],
        _ => throw new JinjaRuntimeException($"'{TypeName(v)}' object is not iterable"),
    };

    public static JinjaRuntimeException UndefinedError(Undefined u) => new($"'{u.Name}' is undefined");

    private static JinjaRuntimeException Unsupported(string op, object? a, object? b) =>
        new($"unsupported operand type(s) for {op}: '{TypeName(a)}' and '{TypeName(b)}'");
}
