using Forge.Contracts.Plugins;

namespace Forge.Core.Configuration;

/// <summary>
/// The setting names a plugin of <see cref="Kind"/>: a string property holds a name, a dictionary property holds names
/// as keys (and as values too, of <see cref="ValueKind"/>, when <see cref="ValuesAreNames"/>). Checked before the first stage runs.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class PluginReferenceAttribute(PluginKind kind) : Attribute
{
    /// <summary>The kind of plugin named.</summary>
    public PluginKind Kind { get; } = kind;

    /// <summary>For a dictionary of names: the kind its values name, when they name plugins too.</summary>
    public PluginKind ValueKind { get; init; } = (PluginKind)(-1);

    /// <summary>True when <see cref="ValueKind"/> was given.</summary>
    public bool ValuesAreNames => Enum.IsDefined(ValueKind);
}
