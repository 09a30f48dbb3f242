namespace Forge.Core.Prompts.Jinja;

/// <summary>The statement half of the parser: text, output and the block tags (if, for, set, macro, …).</summary>
internal sealed partial class Parser
{
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
}
