namespace Forge.Core.Prompts.Jinja;

/// <summary>jinja2's tests (<c>x is defined</c>, <c>x is string</c>, <c>x is equalto y</c>…), with Python's types.</summary>
internal static class Tests
{
    public static bool Apply(string name, object? v, IReadOnlyList<object?> args)
    {
        object? Arg() => args.Count > 0 ? args[0] : throw new JinjaRuntimeException($"test '{name}' needs an argument");
        return name switch
        {
            "defined" => v is not Undefined,
            "undefined" => v is Undefined,
            "none" => v is null,
            "string" => v is string,
            "mapping" => v is JinjaDict,
            "iterable" => v is string or List<object?> or JinjaDict or Undefined,
            "sequence" => v is string or List<object?> or JinjaDict or Undefined,
            "number" => v is long or double or bool,
            "integer" => v is long,
            "float" => v is double,
            "boolean" => v is bool,
            "true" => v is true,
            "false" => v is false,
            "callable" => v is JinjaCallable,
            "odd" => Integer(v, name) % 2 != 0,
            "even" => Integer(v, name) % 2 == 0,
            "divisibleby" => Integer(v, name) % Integer(Arg(), name) == 0,
            "lower" => v is string s && s == s.ToLowerInvariant(),
            "upper" => v is string u && u == u.ToUpperInvariant(),
            "equalto" or "eq" or "==" => Py.Equals(v, Arg()),
            "ne" or "!=" => !Py.Equals(v, Arg()),
            "lt" or "lessthan" or "<" => Py.Compare(v, Arg(), "<") < 0,
            "gt" or "greaterthan" or ">" => Py.Compare(v, Arg(), ">") > 0,
            "le" or "<=" => Py.Compare(v, Arg(), "<=") <= 0,
            "ge" or ">=" => Py.Compare(v, Arg(), ">=") >= 0,
            "in" => Py.Contains(Arg(), v),
            "sameas" => ReferenceEquals(v, Arg()) || (v is null && Arg() is null) || (v is bool a && Arg() is bool b && a == b),
            _ => throw new JinjaRuntimeException($"test '{name}' is not supported"),
        };
    }

    private static long Integer(object? v, string test) => v switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        _ => throw new JinjaRuntimeException($"test '{test}' needs an integer, not {Py.TypeName(v)}"),
    };
}
