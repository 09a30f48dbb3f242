namespace Forge.Core.Prompts.Jinja;

/// <summary>
/// <c>x.name</c>, <c>x[key]</c> and <c>x[a:b:c]</c> as jinja2 resolves them: an attribute (a method of a str, dict or
/// list) before an item for <c>.name</c>, an item before an attribute for <c>[key]</c>; a missing one is undefined, and
/// looking into an undefined value is an error.
/// </summary>
internal static class Access
{
    public static object? Attribute(object? target, string name, string described) => target switch
    {
        Undefined u => throw Py.UndefinedError(u),
        Namespace ns => ns.Attributes.TryGetValue(name, out var v) ? v : new Undefined($"{described}.{name}"),
        LoopInfo loop => loop.Get(name),
        _ => Methods.Bind(target, name) ?? ItemOrUndefined(target, name, described),
    };

    public static object? Item(object? target, object? key, string described)
    {
        switch (target)
        {
            case Undefined u:
                throw Py.UndefinedError(u);
            case JinjaDict d when key is string k && d.TryGetValue(k, out var v):
                return v;
            case List<object?> or string when key is long or bool:
                var sequence = target is string s ? Py.Iterate(s) : (List<object?>)target;
                long index = key is bool b ? (b ? 1 : 0) : (long)key;
                if (index < 0) index += sequence.Count;
                return index >= 0 && index < sequence.Count ? sequence[(int)index] : new Undefined($"{described}[{index}]");
        }
        return key is string name ? Attribute(target, name, described) : new Undefined($"{described}[{Py.Repr(key)}]");
    }

    private static object? ItemOrUndefined(object? target, string name, string described) =>
        target is JinjaDict d && d.TryGetValue(name, out var v) ? v
        : target is LoopInfo loop ? loop.Get(name)
        : new Undefined($"{described}.{name}");

    /// <summary>Python slicing of a list, tuple or string; a slice of anything else is undefined-free error.</summary>
    public static object? Slice(object? target, object? start, object? stop, object? step)
    {
        if (target is Undefined u) throw Py.UndefinedError(u);
        if (target is not (List<object?> or string)) throw new JinjaRuntimeException($"'{Py.TypeName(target)}' object is not subscriptable");
        var items = target is string s ? Py.Iterate(s) : (List<object?>)target;
        long n = items.Count;
        long st = step is null ? 1 : AsIndex(step);
        if (st == 0) throw new JinjaRuntimeException("slice step cannot be zero");
        long lo, hi;
        if (st > 0)
        {
            lo = start is null ? 0 : Clamp(AsIndex(start), n, 0, n);
            hi = stop is null ? n : Clamp(AsIndex(stop), n, 0, n);
        }
        else
        {
            lo = start is null ? n - 1 : Clamp(AsIndex(start), n, -1, n - 1);
            hi = stop is null ? -1 : Clamp(AsIndex(stop), n, -1, n - 1);
        }
        var result = new List<object?>();
        for (long i = lo; st > 0 ? i < hi : i > hi; i += st) result.Add(items[(int)i]);
        return target switch
        {
            string => string.Concat(result.Cast<string>()),
            JinjaTuple => new JinjaTuple(result),
            _ => result,
        };
    }

    private static long AsIndex(object? v) => v switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        _ => throw new JinjaRuntimeException("slice indices must be integers or None"),
    };

    private static long Clamp(long i, long n, long min, long max)
    {
        if (i < 0) i += n;
        return Math.Clamp(i, min, max);
    }
}
