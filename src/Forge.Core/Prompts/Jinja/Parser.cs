using System.Globalization;

namespace Forge.Core.Prompts.Jinja;

/// <summary>
/// Parses the tokens of a template into statements, with jinja2's expression grammar and precedence (lowest first):
/// <c>x if c else y</c>, <c>or</c>, <c>and</c>, <c>not</c>, comparisons and <c>in</c>/<c>not in</c>, <c>+ -</c>,
/// <c>~</c>, <c>* / // %</c>, <c>**</c>, unary <c>-</c>, then postfix <c>.a [k] [a:b:c] (…)</c>, filters <c>|f</c> and
/// tests <c>is t</c>. A tag or construct outside the supported subset is one error naming the template, line and column.
/// </summary>
internal sealed class Parser
{
    private static readonly HashSet<string> Comparisons = ["==", "!=", "<", ">", "<=", ">="];

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

    /// <summary>Statements up to a block tag this level does not own (its name in <paramref name="end"/>) or the end.</summary>
    private List<Stmt> Statements(out string? end, params string[] ends)
    {
        var body = new List<Stmt>();
        while (true)
        {
            var t = Current;
            switch (t.Kind)
            {
                case TokenKind.End:
                    end = null;
                    return body;
                case TokenKind.Text:
                    _pos++;
                    body.Add(new TextStmt(t.Value, t.Line, t.Column));
                    break;
                case TokenKind.VariableBegin:
                    _pos++;
                    var value = Expression();
                    Expect(TokenKind.VariableEnd);
                    body.Add(new OutputStmt(value, t.Line, t.Column));
                    break;
                case TokenKind.BlockBegin:
                    var tag = _tokens[_pos + 1];
                    if (tag.Kind == TokenKind.Name && ends.Contains(tag.Value))
                    {
                        _pos += 2;
                        end = tag.Value;
                        return body;
                    }
                    _pos++;
                    body.Add(Block(t));
                    break;
                default:
                    throw Error(t, $"unexpected {t}");
            }
        }
    }

    private List<Stmt> Until(Token opener, out string end, params string[] ends)
    {
        var body = Statements(out string? found, ends);
        end = found ?? throw Error(opener, $"'{{% {opener.Value} %}}' is never closed (expected {string.Join(" or ", ends.Select(e => $"'{{% {e} %}}'"))})");
        return body;
    }

    private Stmt Block(Token begin)
    {
        if (++_depth > MaxDepth) throw Error(begin, $"blocks nest more than {MaxDepth} deep");
        try
        {
            return BlockCore();
        }
        finally
        {
            _depth--;
        }
    }

    private Stmt BlockCore()
    {
        var tag = Expect(TokenKind.Name);
        switch (tag.Value)
        {
            case "if": return If(tag);
            case "for": return For(tag);
            case "set": return Set(tag);
            case "macro": return Macro(tag);
            case "break":
                Expect(TokenKind.BlockEnd);
                return new BreakStmt(tag.Line, tag.Column);
            case "continue":
                Expect(TokenKind.BlockEnd);
                return new ContinueStmt(tag.Line, tag.Column);
            case "filter":
                var filter = Expect(TokenKind.Name);
                List<Expr> args = [];
                List<(string, Expr)> kwargs = [];
                if (Accept(TokenKind.Operator, "(")) (args, kwargs) = CallArguments();
                Expect(TokenKind.BlockEnd);
                var filtered = Until(tag, out _, "endfilter");
                Expect(TokenKind.BlockEnd);
                return new FilterBlockStmt(filter.Value, args, kwargs, filtered, tag.Line, tag.Column);
            case "generation":
                Expect(TokenKind.BlockEnd);
                var body = Until(tag, out _, "endgeneration");
                Expect(TokenKind.BlockEnd);
                return new GenerationStmt(body, tag.Line, tag.Column);
            default:
                throw Error(tag, $"unsupported tag '{{% {tag.Value} %}}' (Forge's Jinja subset has if, for, set, macro, filter, raw, break, continue, generation)");
        }
    }

    private IfStmt If(Token tag)
    {
        var branches = new List<(Expr, IReadOnlyList<Stmt>)>();
        var test = Expression();
        Expect(TokenKind.BlockEnd);
        while (true)
        {
            var body = Until(tag, out string end, "elif", "else", "endif");
            branches.Add((test, body));
            if (end == "elif")
            {
                test = Expression();
                Expect(TokenKind.BlockEnd);
                continue;
            }
            Expect(TokenKind.BlockEnd);
            if (end == "endif") return new IfStmt(branches, null, tag.Line, tag.Column);
            var otherwise = Until(tag, out _, "endif");
            Expect(TokenKind.BlockEnd);
            return new IfStmt(branches, otherwise, tag.Line, tag.Column);
        }
    }

    private ForStmt For(Token tag)
    {
        var targets = new List<string> { Expect(TokenKind.Name).Value };
        while (Accept(TokenKind.Operator, ",")) targets.Add(Expect(TokenKind.Name).Value);
        Expect(TokenKind.Name, "in");
        var iterable = Ternary(allowConditional: false);
        Expr? filter = Accept(TokenKind.Name, "if") ? Ternary(allowConditional: false) : null;
        if (Current.IsName("recursive")) throw Error(Current, "recursive for loops are not supported");
        Expect(TokenKind.BlockEnd);
        var body = Until(tag, out string end, "else", "endfor");
        Expect(TokenKind.BlockEnd);
        List<Stmt>? otherwise = null;
        if (end == "else")
        {
            otherwise = Until(tag, out _, "endfor");
            Expect(TokenKind.BlockEnd);
        }
        return new ForStmt(targets, iterable, filter, body, otherwise, tag.Line, tag.Column);
    }

    private Stmt Set(Token tag)
    {
        var first = Expect(TokenKind.Name);
        if (Accept(TokenKind.Operator, "."))
        {
            var attribute = Expect(TokenKind.Name);
            Expect(TokenKind.Operator, "=");
            var value = Expression();
            Expect(TokenKind.BlockEnd);
            return new SetAttrStmt(first.Value, attribute.Value, value, tag.Line, tag.Column);
        }
        var targets = new List<string> { first.Value };
        while (Accept(TokenKind.Operator, ",")) targets.Add(Expect(TokenKind.Name).Value);
        if (Accept(TokenKind.Operator, "="))
        {
            var value = Expression();
            Expect(TokenKind.BlockEnd);
            return new SetStmt(targets, value, null, tag.Line, tag.Column);
        }
        if (targets.Count > 1) throw Error(Current, "a block set assigns one name");
        if (Current.IsOperator("|")) throw Error(Current, "filtered block set is not supported");
        Expect(TokenKind.BlockEnd);
        var body = Until(tag, out _, "endset");
        Expect(TokenKind.BlockEnd);
        return new SetStmt(targets, null, body, tag.Line, tag.Column);
    }

    private MacroStmt Macro(Token tag)
    {
        var name = Expect(TokenKind.Name).Value;
        var parameters = new List<(string, Expr?)>();
        Expect(TokenKind.Operator, "(");
        while (!Accept(TokenKind.Operator, ")"))
        {
            if (parameters.Count > 0) Expect(TokenKind.Operator, ",");
            if (Accept(TokenKind.Operator, ")")) break;
            var p = Expect(TokenKind.Name).Value;
            parameters.Add((p, Accept(TokenKind.Operator, "=") ? Expression() : null));
        }
        Expect(TokenKind.BlockEnd);
        var body = Until(tag, out _, "endmacro");
        if (Current.Kind == TokenKind.Name) _pos++; // {% endmacro name %}
        Expect(TokenKind.BlockEnd);
        return new MacroStmt(name, parameters, body, tag.Line, tag.Column);
    }

    // Expressions

    private Expr Expression() => Ternary(allowConditional: true);

    private Expr Ternary(bool allowConditional)
    {
        var expr = Or();
        while (allowConditional && Current.IsName("if"))
        {
            var at = Next();
            var test = Or();
            Expr? otherwise = Accept(TokenKind.Name, "else") ? Ternary(allowConditional: true) : null;
            expr = new Conditional(test, expr, otherwise, at.Line, at.Column);
        }
        return expr;
    }

    private Expr Or()
    {
        var left = And();
        while (Current.IsName("or"))
        {
            var at = Next();
            left = new Binary("or", left, And(), at.Line, at.Column);
        }
        return left;
    }

    private Expr And()
    {
        var left = Not();
        while (Current.IsName("and"))
        {
            var at = Next();
            left = new Binary("and", left, Not(), at.Line, at.Column);
        }
        return left;
    }

    private Expr Not()
    {
        if (!Current.IsName("not")) return CompareChain();
        var at = Next();
        return new Unary("not", Not(), at.Line, at.Column);
    }

    private Expr CompareChain()
    {
        var first = Additive();
        var rest = new List<(string, Expr)>();
        while (true)
        {
            if (Current.Kind == TokenKind.Operator && Comparisons.Contains(Current.Value)) rest.Add((Next().Value, Additive()));
            else if (Current.IsName("in")) rest.Add((Next().Value, Additive()));
            else if (Current.IsName("not") && _tokens[_pos + 1].IsName("in"))
            {
                _pos += 2;
                rest.Add(("not in", Additive()));
            }
            else break;
        }
        return rest.Count == 0 ? first : new Compare(first, rest, first.Line, first.Column);
    }

    private Expr Additive()
    {
        var left = Concat();
        while (Current.IsOperator("+") || Current.IsOperator("-"))
        {
            var at = Next();
            left = new Binary(at.Value, left, Concat(), at.Line, at.Column);
        }
        return left;
    }

    private Expr Concat()
    {
        var left = Multiplicative();
        while (Current.IsOperator("~"))
        {
            var at = Next();
            left = new Binary("~", left, Multiplicative(), at.Line, at.Column);
        }
        return left;
    }

    private Expr Multiplicative()
    {
        var left = Power();
        while (Current.Kind == TokenKind.Operator && Current.Value is "*" or "/" or "//" or "%")
        {
            var at = Next();
            left = new Binary(at.Value, left, Power(), at.Line, at.Column);
        }
        return left;
    }

    private Expr Power()
    {
        var left = UnaryExpr(withFilter: true);
        while (Current.IsOperator("**"))
        {
            var at = Next();
            left = new Binary("**", left, UnaryExpr(withFilter: true), at.Line, at.Column);
        }
        return left;
    }

    private Expr UnaryExpr(bool withFilter)
    {
        if (++_depth > MaxDepth) throw Error(Current, $"expressions nest more than {MaxDepth} deep");
        try
        {
            return UnaryCore(withFilter);
        }
        finally
        {
            _depth--;
        }
    }

    private Expr UnaryCore(bool withFilter)
    {
        Expr node;
        if (Current.IsOperator("-") || Current.IsOperator("+"))
        {
            var at = Next();
            node = new Unary(at.Value, UnaryExpr(withFilter: false), at.Line, at.Column);
        }
        else node = Primary();
        node = Postfix(node);
        return withFilter ? FiltersAndTests(node) : node;
    }

    private Expr Primary()
    {
        var t = Next();
        switch (t.Kind)
        {
            case TokenKind.Name:
                return t.Value switch
                {
                    "true" or "True" => new Literal(true, t.Line, t.Column),
                    "false" or "False" => new Literal(false, t.Line, t.Column),
                    "none" or "None" => new Literal(null, t.Line, t.Column),
                    _ => new NameRef(t.Value, t.Line, t.Column),
                };
            case TokenKind.String:
                string text = t.Value;
                while (Current.Kind == TokenKind.String) text += Next().Value; // adjacent literals concatenate
                return new Literal(text, t.Line, t.Column);
            case TokenKind.Integer:
                return long.TryParse(t.Value, NumberStyles.None, CultureInfo.InvariantCulture, out long l)
                    ? new Literal(l, t.Line, t.Column) : throw Error(t, $"integer {t.Value} is out of range");
            case TokenKind.Float:
                return new Literal(double.Parse(t.Value, NumberStyles.Float, CultureInfo.InvariantCulture), t.Line, t.Column);
            case TokenKind.Operator when t.Value == "(":
                if (Accept(TokenKind.Operator, ")")) return new ListExpr([], true, t.Line, t.Column);
                var first = Expression();
                if (Accept(TokenKind.Operator, ")")) return first;
                var items = new List<Expr> { first };
                while (Accept(TokenKind.Operator, ","))
                {
                    if (Current.IsOperator(")")) break;
                    items.Add(Expression());
                }
                Expect(TokenKind.Operator, ")");
                return new ListExpr(items, true, t.Line, t.Column);
            case TokenKind.Operator when t.Value == "[":
                var list = new List<Expr>();
                while (!Accept(TokenKind.Operator, "]"))
                {
                    if (list.Count > 0) Expect(TokenKind.Operator, ",");
                    if (Accept(TokenKind.Operator, "]")) break;
                    list.Add(Expression());
                }
                return new ListExpr(list, false, t.Line, t.Column);
            case TokenKind.Operator when t.Value == "{":
                var pairs = new List<(Expr, Expr)>();
                while (!Accept(TokenKind.Operator, "}"))
                {
                    if (pairs.Count > 0) Expect(TokenKind.Operator, ",");
                    if (Accept(TokenKind.Operator, "}")) break;
                    var key = Expression();
                    Expect(TokenKind.Operator, ":");
                    pairs.Add((key, Expression()));
                }
                return new DictExpr(pairs, t.Line, t.Column);
            default:
                throw Error(t, $"unexpected {t} in an expression");
        }
    }

    private Expr Postfix(Expr node)
    {
        while (true)
        {
            var t = Current;
            if (t.IsOperator("."))
            {
                _pos++;
                var name = Next();
                if (name.Kind is not (TokenKind.Name or TokenKind.Integer)) throw Error(name, $"expected an attribute name after '.', found {name}");
                node = name.Kind == TokenKind.Integer
                    ? new GetItem(node, new Literal(long.Parse(name.Value, CultureInfo.InvariantCulture), name.Line, name.Column), t.Line, t.Column)
                    : new GetAttr(node, name.Value, t.Line, t.Column);
            }
            else if (t.IsOperator("["))
            {
                _pos++;
                node = Subscript(node, t);
            }
            else if (t.IsOperator("("))
            {
                _pos++;
                var (args, kwargs) = CallArguments();
                node = new Call(node, args, kwargs, t.Line, t.Column);
            }
            else return node;
        }
    }

    private Expr Subscript(Expr target, Token at)
    {
        Expr? start = null, stop = null, step = null;
        if (!Current.IsOperator(":")) start = Expression();
        if (Accept(TokenKind.Operator, "]"))
            return new GetItem(target, start ?? throw Error(at, "empty subscript"), at.Line, at.Column);
        Expect(TokenKind.Operator, ":");
        if (!Current.IsOperator(":") && !Current.IsOperator("]")) stop = Expression();
        if (Accept(TokenKind.Operator, ":") && !Current.IsOperator("]")) step = Expression();
        Expect(TokenKind.Operator, "]");
        return new Slice(target, start, stop, step, at.Line, at.Column);
    }

    /// <summary>After '(': positional and keyword arguments up to ')'.</summary>
    private (List<Expr> Args, List<(string, Expr)> Kwargs) CallArguments()
    {
        var args = new List<Expr>();
        var kwargs = new List<(string, Expr)>();
        while (!Accept(TokenKind.Operator, ")"))
        {
            if (args.Count + kwargs.Count > 0) Expect(TokenKind.Operator, ",");
            if (Accept(TokenKind.Operator, ")")) break;
            if (Current.IsOperator("*") || Current.IsOperator("**")) throw Error(Current, "*args and **kwargs in calls are not supported");
            if (Current.Kind == TokenKind.Name && _tokens[_pos + 1].IsOperator("="))
            {
                string name = Next().Value;
                _pos++;
                kwargs.Add((name, Expression()));
            }
            else if (kwargs.Count > 0) throw Error(Current, "a positional argument follows a keyword argument");
            else args.Add(Expression());
        }
        return (args, kwargs);
    }

    private Expr FiltersAndTests(Expr node)
    {
        while (true)
        {
            var t = Current;
            if (t.IsOperator("|"))
            {
                _pos++;
                var name = Expect(TokenKind.Name);
                List<Expr> args = [];
                List<(string, Expr)> kwargs = [];
                if (Accept(TokenKind.Operator, "(")) (args, kwargs) = CallArguments();
                node = new FilterExpr(node, name.Value, args, kwargs, name.Line, name.Column);
            }
            else if (t.IsName("is"))
            {
                _pos++;
                bool negated = Accept(TokenKind.Name, "not");
                var name = Expect(TokenKind.Name);
                var args = new List<Expr>();
                if (Accept(TokenKind.Operator, "("))
                {
                    var (a, k) = CallArguments();
                    if (k.Count > 0) throw Error(name, "keyword arguments to tests are not supported");
                    args = a;
                }
                else if (Current.Kind is TokenKind.Name or TokenKind.String or TokenKind.Integer or TokenKind.Float
                         || Current.IsOperator("[") || Current.IsOperator("{"))
                {
                    if (!(Current.IsName("else") || Current.IsName("or") || Current.IsName("and") || Current.IsName("if")))
                        args.Add(Postfix(Primary()));
                }
                node = new TestExpr(node, name.Value, negated, args, name.Line, name.Column);
            }
            else if (t.IsOperator("("))
            {
                _pos++;
                var (args, kwargs) = CallArguments();
                node = new Call(node, args, kwargs, t.Line, t.Column);
            }
            else return node;
        }
    }
}
