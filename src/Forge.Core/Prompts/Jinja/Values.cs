namespace Forge.Core.Prompts.Jinja;

/// <summary>
/// Jinja's undefined: what a missing variable, key or attribute evaluates to. It prints as nothing, is false, iterates
/// as empty and has length 0, as in jinja2's default <c>Undefined</c>; looking anything up in it is an error naming it.
/// </summary>
public sealed class Undefined
{
    internal Undefined(string name) => Name = name;

    /// <summary>What was looked up (for the error when it is used).</summary>
    public string Name { get; }

    /// <inheritdoc />
    public override string ToString() => "";
}

/// <summary>A Python-ordered dict (insertion order), the value of JSON objects and dict literals.</summary>
public sealed class JinjaDict : OrderedDictionary<string, object?>
{
    /// <summary>An empty dict.</summary>
    public JinjaDict() : base(StringComparer.Ordinal)
    {
    }
}

/// <summary>A tuple: a list that prints with parentheses (<c>dict.items()</c> pairs, <c>(a, b)</c> literals).</summary>
public sealed class JinjaTuple(IEnumerable<object?> items) : List<object?>(items);

/// <summary><c>namespace(...)</c>: the one object a template may assign attributes to (<c>{% set ns.x = … %}</c>).</summary>
public sealed class Namespace
{
    /// <summary>Its attributes, in assignment order.</summary>
    public JinjaDict Attributes { get; } = new();
}

/// <summary>A function a template may call: a global (<c>range</c>, <c>raise_exception</c>), a macro or a bound method.</summary>
public sealed class JinjaCallable(string name, Func<IReadOnlyList<object?>, IReadOnlyDictionary<string, object?>, object?> invoke)
{
    /// <summary>Its name, for errors.</summary>
    public string Name { get; } = name;

    /// <summary>Calls it with positional and keyword arguments.</summary>
    public object? Invoke(IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?> kwargs) => invoke(args, kwargs);
}

/// <summary>The <c>loop</c> variable of a for block.</summary>
internal sealed class LoopInfo(IReadOnlyList<object?> items, int index)
{
    public object? Get(string name) => name switch
    {
        "index0" => (long)index,
        "index" => (long)(index + 1),
        "revindex0" => (long)(items.Count - index - 1),
        "revindex" => (long)(items.Count - index),
        "first" => index == 0,
        "last" => index == items.Count - 1,
        "length" => (long)items.Count,
        "previtem" => index > 0 ? items[index - 1] : new Undefined("loop.previtem"),
        "nextitem" => index < items.Count - 1 ? items[index + 1] : new Undefined("loop.nextitem"),
        "depth" => 1L,
        "depth0" => 0L,
        "cycle" => new JinjaCallable("loop.cycle", (args, _) => args.Count == 0
            ? throw new JinjaRuntimeException("loop.cycle needs at least one argument") : args[index % args.Count]),
        _ => new Undefined("loop." + name),
    };
}
