using System.Text;

namespace Forge.Core.Prompts.Jinja;

/// <summary>Evaluates parsed statements and expressions into text.</summary>
internal sealed class Renderer(string name)
{
    private sealed class BreakSignal : Exception;

    private sealed class ContinueSignal : Exception;

    /// <summary>Macro calls deep at most (Python stops runaway recursion as well; the stack must not overflow).</summary>
    private const int MaxCallDepth = 200;

    private int _callDepth;

    public string Render(IReadOnlyList<Stmt> body, Scope scope)
    {
        var output = new StringBuilder();
        Execute(body, scope, output);
        return output.ToString();
    }

    private void Execute(IReadOnlyList<Stmt> body, Scope scope, StringBuilder output)
    {
        foreach (var stmt in body) Execute(stmt, scope, output);
    }

    private void Execute(Stmt stmt, Scope scope, StringBuilder output)
    {
        switch (stmt)
        {
            case TextStmt text:
                output.Append(text.Text);
                break;
            case OutputStmt o:
                output.Append(Py.Str(Evaluate(o.Value, scope)));
                break;
            case IfStmt s:
                foreach (var (test, branch) in s.Branches)
                {
                    if (!Py.Truthy(Evaluate(test, scope))) continue;
                    Execute(branch, scope, output);
                    return;
                }
                if (s.Else is not null) Execute(s.Else, scope, output);
                break;
            case ForStmt f:
                For(f, scope, output);
                break;
            case SetStmt s:
                object? value = s.Value is not null ? Evaluate(s.Value, scope) : Render(s.Body!, new Scope(scope));
                if (s.Targets.Count == 1) scope.Set(s.Targets[0], value);
                else Unpack(s.Targets, value, scope, s);
                break;
            case SetAttrStmt s:
                if (!scope.TryGet(s.Target, out var target) || target is not Namespace ns)
                    throw Fail(s, $"cannot assign attribute on non-namespace object '{s.Target}'");
                ns.Attributes[s.Attribute] = Evaluate(s.Value, scope);
                break;
            case MacroStmt m:
                scope.Set(m.Name, Macro(m, scope));
                break;
            case BreakStmt:
                throw new BreakSignal();
            case ContinueStmt:
                throw new ContinueSignal();
            case FilterBlockStmt fb:
                string rendered = Render(fb.Body, scope);
                try
                {
                    output.Append(Py.Str(Filters.Apply(fb.Filter, rendered, fb.Args.Select(a => Evaluate(a, scope)).ToList(),
                        fb.Kwargs.ToDictionary(k => k.Name, k => Evaluate(k.Value, scope)))));
                }
                catch (JinjaRuntimeException ex)
                {
                    throw Fail(fb, ex.Message);
                }
                break;
            case GenerationStmt g:
                Execute(g.Body, scope, output);
                break;
            default:
                throw Fail(stmt, $"cannot execute {stmt.GetType().Name}");
        }
    }

    private void For(ForStmt f, Scope scope, StringBuilder output)
    {
        var source = Evaluate(f.Iterable, scope);
        List<object?> all;
        try
        {
            all = Py.Iterate(source);
        }
        catch (JinjaRuntimeException ex)
        {
            throw Fail(f.Iterable, ex.Message);
        }
        var items = new List<object?>();
        foreach (var item in all)
        {
            if (f.Filter is null) items.Add(item);
            else
            {
                var probe = new Scope(scope);
                Bind(f, item, probe);
                if (Py.Truthy(Evaluate(f.Filter, probe))) items.Add(item);
            }
        }
        if (items.Count == 0)
        {
            if (f.Else is not null) Execute(f.Else, scope, output);
            return;
        }
        for (int i = 0; i < items.Count; i++)
        {
            var iteration = new Scope(scope);
            Bind(f, items[i], iteration);
            iteration.Set("loop", new LoopInfo(items, i));
            try
            {
                Execute(f.Body, iteration, output);
            }
            catch (BreakSignal)
            {
                break;
            }
            catch (ContinueSignal)
            {
            }
        }
    }

    private void Bind(ForStmt f, object? item, Scope scope)
    {
        if (f.Targets.Count == 1) scope.Set(f.Targets[0], item);
        else Unpack(f.Targets, item, scope, f);
    }

    private void Unpack(IReadOnlyList<string> targets, object? value, Scope scope, Node at)
    {
        var parts = value is List<object?> or string ? Py.Iterate(value) : throw Fail(at, $"cannot unpack non-iterable {Py.TypeName(value)} object");
        if (parts.Count != targets.Count) throw Fail(at, $"expected {targets.Count} values to unpack, got {parts.Count}");
        for (int i = 0; i < targets.Count; i++) scope.Set(targets[i], parts[i]);
    }

    private JinjaCallable Macro(MacroStmt m, Scope defining) => new(m.Name, (args, kwargs) =>
    {
        if (args.Count > m.Parameters.Count) throw new JinjaRuntimeException($"macro '{m.Name}' takes at most {m.Parameters.Count} arguments ({args.Count} given)");
        var scope = new Scope(defining);
        for (int i = 0; i < m.Parameters.Count; i++)
        {
            var (param, fallback) = m.Parameters[i];
            object? value = i < args.Count ? args[i]
                : kwargs.TryGetValue(param, out var named) ? named
                : fallback is not null ? Evaluate(fallback, scope) : new Undefined(param);
            scope.Set(param, value);
        }
        foreach (string key in kwargs.Keys)
            if (!m.Parameters.Any(p => p.Name == key)) throw new JinjaRuntimeException($"macro '{m.Name}' takes no keyword argument '{key}'");
        if (++_callDepth > MaxCallDepth)
        {
            _callDepth = 0;
            throw new JinjaRuntimeException($"maximum recursion depth exceeded (macro '{m.Name}' called {MaxCallDepth} deep)");
        }
        try
        {
            return Render(m.Body, scope);
        }
        finally
        {
            _callDepth = Math.Max(0, _callDepth - 1);
        }
    });

    public object? Evaluate(Expr expr, Scope scope)
    {
        try
        {
            return EvaluateCore(expr, scope);
        }
        catch (JinjaRuntimeException ex)
        {
            throw Fail(expr, ex.Message);
        }
    }

    private object? EvaluateCore(Expr expr, Scope scope)
    {
        switch (expr)
        {
            case Literal l:
                return l.Value;
            case NameRef n:
                return scope.TryGet(n.Name, out var v) ? v : new Undefined(n.Name);
            case ListExpr l:
                var items = l.Items.Select(i => Evaluate(i, scope));
                return l.IsTuple ? new JinjaTuple(items) : new List<object?>(items);
            case DictExpr d:
                var dict = new JinjaDict();
                foreach (var (key, value) in d.Items) dict[Py.Str(Evaluate(key, scope))] = Evaluate(value, scope);
                return dict;
            case GetAttr g:
                return Access.Attribute(Evaluate(g.Target, scope), g.Name, Describe(g.Target));
            case GetItem g:
                return Access.Item(Evaluate(g.Target, scope), Evaluate(g.Key, scope), Describe(g.Target));
            case Slice s:
                return Access.Slice(Evaluate(s.Target, scope), Optional(s.Start, scope), Optional(s.Stop, scope), Optional(s.Step, scope));
            case Call c:
                var callee = Evaluate(c.Target, scope);
                var args = c.Args.Select(a => Evaluate(a, scope)).ToList();
                var kwargs = c.Kwargs.ToDictionary(k => k.Name, k => Evaluate(k.Value, scope));
                return callee switch
                {
                    JinjaCallable f => f.Invoke(args, kwargs),
                    Undefined u => throw new JinjaRuntimeException($"'{u.Name}' is undefined"),
                    _ => throw new JinjaRuntimeException($"'{Py.TypeName(callee)}' object is not callable"),
                };
            case FilterExpr f:
                return Filters.Apply(f.Name, Evaluate(f.Target, scope), f.Args.Select(a => Evaluate(a, scope)).ToList(),
                    f.Kwargs.ToDictionary(k => k.Name, k => Evaluate(k.Value, scope)));
            case TestExpr t:
                bool result = Tests.Apply(t.Name, Evaluate(t.Target, scope), t.Args.Select(a => Evaluate(a, scope)).ToList());
                return t.Negated ? !result : result;
            case Unary u:
                var operand = Evaluate(u.Operand, scope);
                return u.Op switch
                {
                    "not" => !Py.Truthy(operand),
                    "-" => Py.Negate(operand),
                    _ => operand is long or double ? operand : throw new JinjaRuntimeException($"bad operand type for unary +: '{Py.TypeName(operand)}'"),
                };
            case Binary b:
                return Binary(b, scope);
            case Compare c:
                var left = Evaluate(c.First, scope);
                foreach (var (op, operandExpr) in c.Rest)
                {
                    var right = Evaluate(operandExpr, scope);
                    bool holds = op switch
                    {
                        "==" => Py.Equals(left, right),
                        "!=" => !Py.Equals(left, right),
                        "in" => Py.Contains(right, left),
                        "not in" => !Py.Contains(right, left),
                        "<" => Py.Compare(left, right, op) < 0,
                        ">" => Py.Compare(left, right, op) > 0,
                        "<=" => Py.Compare(left, right, op) <= 0,
                        _ => Py.Compare(left, right, op) >= 0,
                    };
                    if (!holds) return false;
                    left = right;
                }
                return true;
            case Conditional c:
                return Py.Truthy(Evaluate(c.Test, scope)) ? Evaluate(c.Then, scope)
                    : c.Else is not null ? Evaluate(c.Else, scope) : new Undefined("conditional expression");
            default:
                throw new JinjaRuntimeException($"cannot evaluate {expr.GetType().Name}");
        }
    }

    private object? Binary(Binary b, Scope scope)
    {
        var left = Evaluate(b.Left, scope);
        switch (b.Op)
        {
            case "and": return Py.Truthy(left) ? Evaluate(b.Right, scope) : left;
            case "or": return Py.Truthy(left) ? left : Evaluate(b.Right, scope);
        }
        var right = Evaluate(b.Right, scope);
        return b.Op switch
        {
            "+" => Py.Add(left, right),
            "~" => Py.Str(left) + Py.Str(right),
            _ => Py.Arithmetic(b.Op, left, right),
        };
    }

    private object? Optional(Expr? e, Scope scope) => e is null ? null : Evaluate(e, scope);

    private static string Describe(Expr e) => e switch
    {
        NameRef n => n.Name,
        GetAttr g => Describe(g.Target) + "." + g.Name,
        GetItem { Key: Literal l } g => Describe(g.Target) + "[" + Py.Repr(l.Value) + "]",
        _ => "value",
    };

    private ForgeDataException Fail(Node at, string message) =>
        new($"{name}:{at.Line}:{at.Column}: {message}");
}
