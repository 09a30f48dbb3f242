namespace Forge.Core.Configuration;

/// <summary>The property's keys sit in the owner's own section (composition without nesting in configuration).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class FlattenAttribute : Attribute;
