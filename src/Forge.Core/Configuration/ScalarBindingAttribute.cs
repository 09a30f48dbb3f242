namespace Forge.Core.Configuration;

/// <summary>
/// Lets an options object be written as one value: <c>"Teacher": "checkpoints/rl"</c> binds to the property named here,
/// as <c>"Teacher": { "Folder": "checkpoints/rl" }</c> would.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class ScalarBindingAttribute(string property) : Attribute
{
    /// <summary>The property a single value binds to.</summary>
    public string Property { get; } = property;
}
