namespace Forge.Core.Prompts.Jinja;

/// <summary>
/// Variables visible at a point of the template. Like jinja2, a for loop's body gets a fresh scope per iteration (a
/// <c>set</c> inside a loop does not outlive the iteration: that is what <c>namespace()</c> is for), a macro call gets
/// its own, and <c>if</c> blocks share the enclosing one.
/// </summary>
internal sealed class Scope(Scope? parent)
{
    private readonly Dictionary<string, object?> _vars = new(StringComparer.Ordinal);

    public bool TryGet(string name, out object? value)
    {
        for (var s = this; s is not null; s = s.Parent)
            if (s._vars.TryGetValue(name, out value)) return true;
        value = null;
        return false;
    }

    public Scope? Parent { get; } = parent;

    public void Set(string name, object? value) => _vars[name] = value;
}
