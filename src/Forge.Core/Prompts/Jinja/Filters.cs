using System.Globalization;
using System.Text.RegularExpressions;

namespace Forge.Core.Prompts.Jinja;

/// <summary>
/// jinja2's filters that chat templates use, with jinja2's argument names: trim, length/count, tojson (transformers'
/// version), string, upper, lower, capitalize, title, default/d, join, first, last, items, list, selectattr,
/// rejectattr, select, reject, map, safe, replace, int, float, abs, round, reverse, sort, unique, min, max, sum,
/// indent, wordcount. Any other filter is one error naming it.
/// </summary>
internal static partial class Filters
{
    public static object? Apply(string name, object? v, IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?> kwargs)
    {
        object? P(int index, string keyword, object? fallback) =>
            index < args.Count ? args[index] : kwargs.TryGetValue(keyword, out var k) ? k : fallback;
        switch (name)
        {
            case "trim": return Methods.Strip(Py.Str(v), P(0, "chars", null) as string, true, true);
            case "length" or "count": return Py.Length(v);
            case "tojson":
                return JsonText.Dumps(v, P(0, "indent", null) is long indent ? indent : null, Py.Truthy(P(1, "ensure_ascii", false)),
                    Separators(P(2, "separators", null), 0), Separators(P(2, "separators", null), 1), Py.Truthy(P(3, "sort_keys", false)));
            case "string": return Py.Str(v);
            case "upper": return Py.Str(v).ToUpperInvariant();
            case "lower": return Py.Str(v).ToLowerInvariant();
            case "capitalize": return Methods.Capitalize(Py.Str(v));
            case "title": return Title(Py.Str(v));
            case "default" or "d":
                return v is Undefined || (Py.Truthy(P(1, "boolean", false)) && !Py.Truthy(v)) ? P(0, "default_value", "") : v;
            case "join":
                var attribute = P(1, "attribute", null);
                return string.Join(Py.Str(P(0, "d", "")), Py.Iterate(v).Select(x => Py.Str(attribute is null ? x : Attribute(x, attribute))));
            case "first":
                var firstOf = Py.Iterate(v);
                return firstOf.Count > 0 ? firstOf[0] : new Undefined("first of an empty sequence");
            case "last":
                var lastOf = Py.Iterate(v);
                return lastOf.Count > 0 ? lastOf[^1] : new Undefined("last of an empty sequence");
            case "items":
                return v switch
                {
                    Undefined => new List<object?>(),
                    JinjaDict d => d.Select(kv => (object?)new JinjaTuple([kv.Key, kv.Value])).ToList(),
                    _ => throw new JinjaRuntimeException($"can only get item pairs from a mapping, not {Py.TypeName(v)}"),
                };
            case "list": return new List<object?>(Py.Iterate(v));
            case "selectattr" or "rejectattr":
                string attr = P(0, "attribute", null) as string ?? throw new JinjaRuntimeException($"{name} needs an attribute name");
                return Py.Iterate(v).Where(x => Select(Attribute(x, attr), args.Skip(1).ToList(), name) == (name == "selectattr")).ToList();
            case "select" or "reject":
                return Py.Iterate(v).Where(x => Select(x, args, name) == (name == "select")).ToList();
            case "map":
                if (kwargs.TryGetValue("attribute", out var mapAttribute))
                {
                    bool hasDefault = kwargs.TryGetValue("default", out var fallback);
                    return Py.Iterate(v).Select(x => Attribute(x, mapAttribute) is Undefined && hasDefault ? fallback : Attribute(x, mapAttribute)).ToList();
                }
                string filter = P(0, "", null) as string ?? throw new JinjaRuntimeException("map needs a filter name or attribute=");
                return Py.Iterate(v).Select(x => Apply(filter, x, args.Skip(1).ToList(), new Dictionary<string, object?>())).ToList();
            case "safe": return v;
            case "replace":
                long count = P(2, "count", null) is long c ? c : -1;
                return Methods.Bind(Py.Str(v), "replace")!.Invoke([P(0, "old", ""), P(1, "new", ""), .. count >= 0 ? new object?[] { count } : []],
                    new Dictionary<string, object?>());
            case "int":
                return v switch
                {
                    long or bool => Convert.ToInt64(v, CultureInfo.InvariantCulture),
                    double d => (long)Math.Truncate(d),
                    string s when long.TryParse(s.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l) => l,
                    string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double d) => (long)Math.Truncate(d),
                    _ => P(0, "default", 0L),
                };
            case "float":
                return v switch
                {
                    long or bool or double => Convert.ToDouble(v, CultureInfo.InvariantCulture),
                    string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double d) => d,
                    _ => P(0, "default", 0.0),
                };
            case "abs": return v is long l2 ? (object)Math.Abs(l2) : v is double d2 ? Math.Abs(d2) : throw new JinjaRuntimeException($"bad operand type for abs(): '{Py.TypeName(v)}'");
            case "round":
                double value = v is long or double or bool ? Convert.ToDouble(v, CultureInfo.InvariantCulture) : throw new JinjaRuntimeException("round needs a number");
                int precision = P(0, "precision", 0L) is long p ? (int)p : 0;
                string method = P(1, "method", "common") as string ?? "common";
                double scale = Math.Pow(10, precision);
                return method switch
                {
                    "ceil" => Math.Ceiling(value * scale) / scale,
                    "floor" => Math.Floor(value * scale) / scale,
                    _ => Math.Round(value, precision, MidpointRounding.ToEven), // Python's round()
                };
            case "reverse":
                return v is string rs ? string.Concat(Py.Iterate(rs).Cast<string>().Reverse()) : Enumerable.Reverse(Py.Iterate(v)).ToList();
            case "sort":
                var sortAttribute = P(2, "attribute", null);
                var sorted = Py.Iterate(v).OrderBy(x => sortAttribute is null ? x : Attribute(x, sortAttribute),
                    Comparer<object?>.Create((a, b) => Py.Compare(CaseFold(a, P(1, "case_sensitive", false)), CaseFold(b, P(1, "case_sensitive", false)), "<"))).ToList();
                if (Py.Truthy(P(0, "reverse", false))) sorted.Reverse();
                return sorted;
            case "unique":
                var seen = new List<object?>();
                foreach (var x in Py.Iterate(v))
                    if (!seen.Any(s => Py.Equals(CaseFold(s, false), CaseFold(x, false)))) seen.Add(x);
                return seen;
            case "min" or "max":
                var all = Py.Iterate(v);
                if (all.Count == 0) return new Undefined($"{name} of an empty sequence");
                return all.Aggregate((a, b) => (Py.Compare(b, a, "<") < 0) == (name == "min") && !Py.Equals(a, b) ? b : a);
            case "sum":
                return Py.Iterate(v).Aggregate(P(1, "start", 0L), (acc, x) => Py.Add(acc, P(0, "attribute", null) is { } sa ? Attribute(x, sa) : x));
            case "indent":
                string width = P(0, "width", 4L) is string ws ? ws : new string(' ', (int)(P(0, "width", 4L) as long? ?? 4));
                bool first = Py.Truthy(P(1, "first", false)), blank = Py.Truthy(P(2, "blank", false));
                var lines = Py.Str(v).Split('\n');
                for (int i = first ? 0 : 1; i < lines.Length; i++)
                    if (blank || lines[i].Trim().Length > 0) lines[i] = width + lines[i];
                return string.Join("\n", lines);
            case "wordcount": return (long)Regex.Matches(Py.Str(v), @"\w+").Count;
            default:
                throw new JinjaRuntimeException($"filter '{name}' is not supported");
        }
    }

    private static object? CaseFold(object? v, object? caseSensitive) => v is string s && !Py.Truthy(caseSensitive) ? s.ToLowerInvariant() : v;

    private static string? Separators(object? separators, int index) =>
        separators is List<object?> { Count: 2 } pair ? pair[index] as string : null;

    private static object? Attribute(object? item, object? attribute)
    {
        object? current = item;
        foreach (string part in Py.Str(attribute).Split('.'))
            current = long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out long index) && current is List<object?>
                ? Access.Item(current, index, "item") : Access.Item(current, part, "item");
        return current;
    }

    /// <summary>selectattr/select: the test named by the first argument (truthiness without one).</summary>
    private static bool Select(object? value, IReadOnlyList<object?> testAndArgs, string filter)
    {
        if (testAndArgs.Count == 0) return Py.Truthy(value);
        string test = testAndArgs[0] as string ?? throw new JinjaRuntimeException($"{filter} needs a test name");
        return Tests.Apply(test, value, testAndArgs.Skip(1).ToList());
    }

    /// <summary>jinja2's title filter: each word (after spaces, hyphens and opening brackets) capitalized.</summary>
    private static string Title(string s) =>
        string.Concat(WordBoundary().Split(s).Where(w => w.Length > 0).Select(w => char.ToUpperInvariant(w[0]) + w[1..].ToLowerInvariant()));

    [GeneratedRegex(@"([-\s({\[<]+)")]
    private static partial Regex WordBoundary();
}
