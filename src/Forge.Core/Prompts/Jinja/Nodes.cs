namespace Forge.Core.Prompts.Jinja;

/// <summary>A parsed template node with the line and column it starts at (for errors).</summary>
internal abstract record Node(int Line, int Column);

// Expressions

internal abstract record Expr(int Line, int Column) : Node(Line, Column);

internal sealed record Literal(object? Value, int Line, int Column) : Expr(Line, Column);

internal sealed record NameRef(string Name, int Line, int Column) : Expr(Line, Column);

internal sealed record ListExpr(IReadOnlyList<Expr> Items, bool IsTuple, int Line, int Column) : Expr(Line, Column);

internal sealed record DictExpr(IReadOnlyList<(Expr Key, Expr Value)> Items, int Line, int Column) : Expr(Line, Column);

internal sealed record GetAttr(Expr Target, string Name, int Line, int Column) : Expr(Line, Column);

internal sealed record GetItem(Expr Target, Expr Key, int Line, int Column) : Expr(Line, Column);

internal sealed record Slice(Expr Target, Expr? Start, Expr? Stop, Expr? Step, int Line, int Column) : Expr(Line, Column);

internal sealed record Call(Expr Target, IReadOnlyList<Expr> Args, IReadOnlyList<(string Name, Expr Value)> Kwargs, int Line, int Column)
    : Expr(Line, Column);

internal sealed record FilterExpr(Expr Target, string Name, IReadOnlyList<Expr> Args, IReadOnlyList<(string Name, Expr Value)> Kwargs, int Line, int Column)
    : Expr(Line, Column);

internal sealed record TestExpr(Expr Target, string Name, bool Negated, IReadOnlyList<Expr> Args, int Line, int Column) : Expr(Line, Column);

internal sealed record Unary(string Op, Expr Operand, int Line, int Column) : Expr(Line, Column);

internal sealed record Binary(string Op, Expr Left, Expr Right, int Line, int Column) : Expr(Line, Column);

/// <summary>A comparison chain <c>a &lt; b &lt;= c</c>, Python style: every adjacent pair holds.</summary>
internal sealed record Compare(Expr First, IReadOnlyList<(string Op, Expr Operand)> Rest, int Line, int Column) : Expr(Line, Column);

internal sealed record Conditional(Expr Test, Expr Then, Expr? Else, int Line, int Column) : Expr(Line, Column);

// Statements

internal abstract record Stmt(int Line, int Column) : Node(Line, Column);

internal sealed record TextStmt(string Text, int Line, int Column) : Stmt(Line, Column);

internal sealed record OutputStmt(Expr Value, int Line, int Column) : Stmt(Line, Column);

internal sealed record IfStmt(IReadOnlyList<(Expr Test, IReadOnlyList<Stmt> Body)> Branches, IReadOnlyList<Stmt>? Else, int Line, int Column)
    : Stmt(Line, Column);

internal sealed record ForStmt(IReadOnlyList<string> Targets, Expr Iterable, Expr? Filter, IReadOnlyList<Stmt> Body, IReadOnlyList<Stmt>? Else,
    int Line, int Column) : Stmt(Line, Column);

/// <summary><c>{% set a = … %}</c>, <c>{% set a, b = … %}</c> or, with a body, <c>{% set a %}…{% endset %}</c>.</summary>
internal sealed record SetStmt(IReadOnlyList<string> Targets, Expr? Value, IReadOnlyList<Stmt>? Body, int Line, int Column) : Stmt(Line, Column);

internal sealed record SetAttrStmt(string Target, string Attribute, Expr Value, int Line, int Column) : Stmt(Line, Column);

internal sealed record MacroStmt(string Name, IReadOnlyList<(string Name, Expr? Default)> Parameters, IReadOnlyList<Stmt> Body, int Line, int Column)
    : Stmt(Line, Column);

internal sealed record BreakStmt(int Line, int Column) : Stmt(Line, Column);

internal sealed record ContinueStmt(int Line, int Column) : Stmt(Line, Column);

/// <summary>transformers' <c>{% generation %}…{% endgeneration %}</c> (assistant-mask tracking): renders its body.</summary>
internal sealed record GenerationStmt(IReadOnlyList<Stmt> Body, int Line, int Column) : Stmt(Line, Column);

/// <summary><c>{% filter name(args) %}…{% endfilter %}</c>: the rendered body through a filter.</summary>
internal sealed record FilterBlockStmt(string Filter, IReadOnlyList<Expr> Args, IReadOnlyList<(string Name, Expr Value)> Kwargs, IReadOnlyList<Stmt> Body,
    int Line, int Column) : Stmt(Line, Column);
