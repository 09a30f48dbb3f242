namespace Forge.Core.Prompts.Jinja;

/// <summary>
/// Parses the tokens of a template into statements, with jinja2's expression grammar and precedence (lowest first):
/// <c>x if c else y</c>, <c>or</c>, <c>and</c>, <c>not</c>, comparisons and <c>in</c>/<c>not in</c>, <c>+ -</c>,
/// <c>~</c>, <c>* / // %</c>, <c>**</c>, unary <c>-</c>, then postfix <c>.a [k] [a:b:c] (…)</c>, filters <c>|f</c> and
/// tests <c>is t</c>. A tag or construct outside the supported subset is one error naming the template, line and column.
/// </summary>
internal sealed partial class Parser
{
    /// <summary>How deep expressions and blocks may nest (the parser recurses; the stack must not overflow).</summary>
    private const int MaxDepth = 300;

    private readonly List<Token> _tokens;
    private readonly string _name;
    private int _pos;
    private int _depth;

    private Parser(List<Token> tokens, string name)
    {
        _tokens = tokens;
        _name = name;
    }

    public static IReadOnlyList<Stmt> Parse(string source, string name)
    {
        var parser = new Parser(Lexer.Tokenize(source, name), name);
        var body = parser.Statements(out string? end);
        if (end is not null) throw parser.Error(parser.Previous(), $"unexpected '{{% {end} %}}'");
        return body;
    }

    private Token Current => _tokens[_pos];

    private Token Previous() => _tokens[Math.Max(0, _pos - 1)];

    private Token Next() => _tokens[_pos++];

    private ForgeDataException Error(Token at, string message) => new($"{_name}:{at.Line}:{at.Column}: {message}");

    private Token Expect(TokenKind kind, string? value = null)
    {
        var t = Current;
        if (t.Kind != kind || (value is not null && t.Value != value))
            throw Error(t, $"expected {(value is not null ? $"'{value}'" : kind.ToString().ToLowerInvariant())}, found {t}");
        _pos++;
        return t;
    }

    private bool Accept(TokenKind kind, string value)
    {
        if (!Current.Is(kind, value)) return false;
        _pos++;
        return true;
    }
}
