using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Forge.Core.Prompts.Jinja;

/// <summary>
/// A parsed Jinja template, rendered the way transformers renders chat templates: jinja2 with
/// <c>trim_blocks</c>, <c>lstrip_blocks</c> and loop controls, its own <c>tojson</c>, and the globals
/// <c>raise_exception(msg)</c>, <c>strftime_now(fmt)</c>, <c>namespace(…)</c>, <c>range(…)</c> and <c>dict(…)</c>.
/// <see cref="Parse"/> refuses a construct outside the supported subset, and <see cref="Render"/> a failure (including
/// the template's own <c>raise_exception</c>), with one <see cref="ForgeDataException"/> naming the template, line and
/// column.
/// </summary>
public sealed class JinjaTemplate
{
    private readonly IReadOnlyList<Stmt> _body;

    private JinjaTemplate(string name, IReadOnlyList<Stmt> body)
    {
        Name = name;
        _body = body;
    }

    /// <summary>What the template is called in errors (its file, and key where it lives in one).</summary>
    public string Name { get; }

    /// <summary>Parses <paramref name="source"/>; <paramref name="name"/> names it in errors.</summary>
    public static JinjaTemplate Parse(string source, string name)
    {
        ArgumentNullException.ThrowIfNull(source);
        return new JinjaTemplate(name, Parser.Parse(source, name));
    }

    /// <summary>
    /// Renders with <paramref name="variables"/> as the template's context: null, bool, long, double, string,
    /// <see cref="List{T}"/> of values, <see cref="JinjaDict"/>, or anything <see cref="FromJson"/> makes.
    /// <paramref name="now"/> is the clock of <c>strftime_now</c> (local time when null).
    /// </summary>
    public string Render(IReadOnlyDictionary<string, object?> variables, Func<DateTime>? now = null)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var globals = new Scope(null);
        globals.Set("range", new JinjaCallable("range", (a, _) => Range(a)));
        globals.Set("namespace", new JinjaCallable("namespace", (a, k) =>
        {
            var ns = new Namespace();
            foreach (var arg in a)
                if (arg is JinjaDict d) foreach (var kv in d) ns.Attributes[kv.Key] = kv.Value;
            foreach (var kv in k) ns.Attributes[kv.Key] = kv.Value;
            return ns;
        }));
        globals.Set("dict", new JinjaCallable("dict", (_, k) =>
        {
            var d = new JinjaDict();
            foreach (var kv in k) d[kv.Key] = kv.Value;
            return d;
        }));
        globals.Set("raise_exception", new JinjaCallable("raise_exception", (a, _) =>
            throw new JinjaRuntimeException("raise_exception: " + (a.Count > 0 ? Py.Str(a[0]) : ""))));
        globals.Set("strftime_now", new JinjaCallable("strftime_now", (a, _) =>
            Strftime.Format((now ?? (() => DateTime.Now))(), a.Count > 0 && a[0] is string f ? f : throw new JinjaRuntimeException("strftime_now needs a format string"))));
        var scope = new Scope(globals);
        foreach (var (key, value) in variables) scope.Set(key, value);
        return new Renderer(Name).Render(_body, scope);
    }

    /// <summary>A JSON value as a template value: objects keep their key order, integers are long, other numbers double.</summary>
    public static object? FromJson(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.Aggregate(new JinjaDict(), (d, kv) =>
        {
            d[kv.Key] = FromJson(kv.Value);
            return d;
        }),
        JsonArray a => a.Select(FromJson).ToList(),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => Number(v.ToJsonString()),
            _ => null,
        },
        _ => null,
    };

    private static object Number(string text) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l) ? (object)l
        : double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static List<object?> Range(IReadOnlyList<object?> a)
    {
        long L(int i) => a[i] is long l ? l : throw new JinjaRuntimeException("range() arguments must be integers");
        var (start, stop, step) = a.Count switch
        {
            1 => (0, L(0), 1),
            2 => (L(0), L(1), 1),
            3 => (L(0), L(1), L(2)),
            _ => throw new JinjaRuntimeException("range expected 1 to 3 arguments"),
        };
        if (step == 0) throw new JinjaRuntimeException("range() arg 3 must not be zero");
        var list = new List<object?>();
        for (long i = start; step > 0 ? i < stop : i > stop; i += step)
        {
            if (list.Count >= 100_000) throw new JinjaRuntimeException("range too big (more than 100000 items)");
            list.Add(i);
        }
        return list;
    }
}
