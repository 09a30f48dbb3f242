using System.Text;

namespace Forge.Core.Prompts.Jinja;

/// <summary>
/// The Python methods templates call on values: str's startswith, endswith, split, rsplit, strip, lstrip, rstrip,
/// replace, lower, upper, title, capitalize, find, count, join, splitlines; dict's items, keys, values, get. Mutating
/// methods (list.append, dict.update…) are refused, as in transformers' immutable sandbox.
/// </summary>
internal static class Methods
{
    private static readonly HashSet<string> Mutating = ["append", "extend", "insert", "pop", "remove", "clear", "update", "setdefault", "popitem", "sort", "reverse"];

    /// <summary>The bound method <paramref name="name"/> of <paramref name="target"/>, or null when it has none.</summary>
    public static JinjaCallable? Bind(object? target, string name) => target switch
    {
        string s => StringMethod(s, name),
        JinjaDict d => DictMethod(d, name),
        List<object?> when Mutating.Contains(name) => new JinjaCallable(name, (_, _) =>
            throw new JinjaRuntimeException($"access to attribute '{name}' of '{Py.TypeName(target)}' object is unsafe (templates cannot change their inputs)")),
        _ => null,
    };

    private static JinjaCallable? DictMethod(JinjaDict d, string name) => name switch
    {
        "items" => new(name, (_, _) => d.Select(kv => (object?)new JinjaTuple([kv.Key, kv.Value])).ToList()),
        "keys" => new(name, (_, _) => d.Keys.Cast<object?>().ToList()),
        "values" => new(name, (_, _) => d.Values.ToList()),
        "get" => new(name, (a, _) => Arg<string>(a, 0, "get") is { } key && d.TryGetValue(key, out var v) ? v : a.Count > 1 ? a[1] : null),
        _ when Mutating.Contains(name) => new(name, (_, _) =>
            throw new JinjaRuntimeException($"access to attribute '{name}' of 'dict' object is unsafe (templates cannot change their inputs)")),
        _ => null,
    };

    private static JinjaCallable? StringMethod(string s, string name) => name switch
    {
        "startswith" => new(name, (a, _) => Affixes(a, name).Any(p => s.StartsWith(p, StringComparison.Ordinal))),
        "endswith" => new(name, (a, _) => Affixes(a, name).Any(p => s.EndsWith(p, StringComparison.Ordinal))),
        "split" => new(name, (a, k) => Split(s, Optional<string>(a, k, 0, "sep"), Optional<long?>(a, k, 1, "maxsplit") ?? -1)),
        "rsplit" => new(name, (a, k) => RSplit(s, Optional<string>(a, k, 0, "sep"), Optional<long?>(a, k, 1, "maxsplit") ?? -1)),
        "strip" => new(name, (a, _) => Strip(s, Optional<string>(a, null, 0, "chars"), true, true)),
        "lstrip" => new(name, (a, _) => Strip(s, Optional<string>(a, null, 0, "chars"), true, false)),
        "rstrip" => new(name, (a, _) => Strip(s, Optional<string>(a, null, 0, "chars"), false, true)),
        "replace" => new(name, (a, _) => Replace(s, Arg<string>(a, 0, name), Arg<string>(a, 1, name), a.Count > 2 ? (long)a[2]! : -1)),
        "lower" => new(name, (_, _) => s.ToLowerInvariant()),
        "upper" => new(name, (_, _) => s.ToUpperInvariant()),
        "title" => new(name, (_, _) => Title(s)),
        "capitalize" => new(name, (_, _) => Capitalize(s)),
        "find" => new(name, (a, _) => (long)s.IndexOf(Arg<string>(a, 0, name), StringComparison.Ordinal)),
        "count" => new(name, (a, _) => Count(s, Arg<string>(a, 0, name))),
        "join" => new(name, (a, _) => string.Join(s, Py.Iterate(a.Count > 0 ? a[0] : null).Select(x => x as string
            ?? throw new JinjaRuntimeException($"sequence item: expected str instance, {Py.TypeName(x)} found")))),
        "splitlines" => new(name, (_, _) => s.Split('\n').Select(l => (object?)l.TrimEnd('\r')).Take(s.EndsWith('\n') ? s.Split('\n').Length - 1 : int.MaxValue).ToList()),
        "isdigit" => new(name, (_, _) => s.Length > 0 && s.All(char.IsDigit)),
        "isspace" => new(name, (_, _) => s.Length > 0 && s.All(char.IsWhiteSpace)),
        _ => null,
    };

    public static string Strip(string s, string? chars, bool left, bool right)
    {
        if (chars is null) return left && right ? s.Trim() : left ? s.TrimStart() : s.TrimEnd();
        var set = chars.ToCharArray();
        return left && right ? s.Trim(set) : left ? s.TrimStart(set) : s.TrimEnd(set);
    }

    /// <summary>Python's str.split: on runs of whitespace (edges dropped) without a separator, else on each separator.</summary>
    private static List<object?> Split(string s, string? sep, long maxsplit)
    {
        var parts = new List<object?>();
        if (sep is null)
        {
            int i = 0;
            while (true)
            {
                while (i < s.Length && char.IsWhiteSpace(s[i])) i++;
                if (i >= s.Length) break;
                if (maxsplit >= 0 && parts.Count == maxsplit)
                {
                    parts.Add(s[i..].TrimEnd());
                    break;
                }
                int start = i;
                while (i < s.Length && !char.IsWhiteSpace(s[i])) i++;
                parts.Add(s[start..i]);
            }
            return parts;
        }
        if (sep.Length == 0) throw new JinjaRuntimeException("empty separator");
        int from = 0;
        while (maxsplit < 0 || parts.Count < maxsplit)
        {
            int at = s.IndexOf(sep, from, StringComparison.Ordinal);
            if (at < 0) break;
            parts.Add(s[from..at]);
            from = at + sep.Length;
        }
        parts.Add(s[from..]);
        return parts;
    }

    private static List<object?> RSplit(string s, string? sep, long maxsplit)
    {
        if (maxsplit < 0 || sep is null) return Split(s, sep, maxsplit);
        var parts = new List<object?>();
        int end = s.Length;
        while (parts.Count < maxsplit)
        {
            int at = end - sep.Length < 0 ? -1 : s.LastIndexOf(sep, end - 1, StringComparison.Ordinal);
            if (at < 0 || at + sep.Length > end) break;
            parts.Insert(0, s[(at + sep.Length)..end]);
            end = at;
        }
        parts.Insert(0, s[..end]);
        return parts;
    }

    private static string Replace(string s, string old, string replacement, long count)
    {
        if (count < 0) return old.Length == 0 ? string.Join(replacement, ["", .. s.Select(c => c.ToString()), ""]) : s.Replace(old, replacement, StringComparison.Ordinal);
        var sb = new StringBuilder();
        int from = 0;
        for (long n = 0; n < count; n++)
        {
            int at = s.IndexOf(old, from, StringComparison.Ordinal);
            if (at < 0) break;
            sb.Append(s, from, at - from).Append(replacement);
            from = at + old.Length;
        }
        return sb.Append(s, from, s.Length - from).ToString();
    }

    private static long Count(string s, string sub)
    {
        if (sub.Length == 0) return s.Length + 1;
        long n = 0;
        for (int at = s.IndexOf(sub, StringComparison.Ordinal); at >= 0; at = s.IndexOf(sub, at + sub.Length, StringComparison.Ordinal)) n++;
        return n;
    }

    /// <summary>Python's str.title: a letter after a non-letter is upper-cased, others lower-cased.</summary>
    private static string Title(string s)
    {
        var sb = new StringBuilder(s.Length);
        bool previousCased = false;
        foreach (char c in s)
        {
            sb.Append(previousCased ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c));
            previousCased = char.IsLetter(c);
        }
        return sb.ToString();
    }

    public static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant();

    private static IEnumerable<string> Affixes(IReadOnlyList<object?> args, string method) => args.Count == 0
        ? throw new JinjaRuntimeException($"{method}() takes at least 1 argument")
        : args[0] switch
        {
            string one => [one],
            List<object?> many => many.Select(x => x as string ?? throw new JinjaRuntimeException($"{method} first arg must be str or a tuple of str")),
            _ => throw new JinjaRuntimeException($"{method} first arg must be str or a tuple of str, not {Py.TypeName(args[0])}"),
        };

    private static T Arg<T>(IReadOnlyList<object?> args, int index, string method) =>
        index < args.Count && args[index] is T value ? value
        : throw new JinjaRuntimeException($"{method}() argument {index + 1} must be {(typeof(T) == typeof(string) ? "str" : typeof(T).Name)}");

    private static T? Optional<T>(IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?>? kwargs, int index, string keyword)
    {
        object? v = index < args.Count ? args[index] : kwargs is not null && kwargs.TryGetValue(keyword, out var k) ? k : null;
        if (v is null) return default;
        if (typeof(T) == typeof(long?) && v is long l) return (T)(object)l;
        return v is T t ? t : throw new JinjaRuntimeException($"argument '{keyword}' has the wrong type ({Py.TypeName(v)})");
    }
}
