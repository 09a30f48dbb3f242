using System.Globalization;

namespace Forge.Core.Prompts.Jinja;

/// <summary>The expression half of the parser: one method per precedence level, lowest first (see <see cref="Parser"/>).</summary>
internal sealed partial class Parser
{
    private static readonly HashSet<string> Comparisons = ["==", "!=", "<", ">", "<=", ">="];

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
