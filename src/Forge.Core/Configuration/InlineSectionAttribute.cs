namespace Forge.Core.Configuration;

/// <summary>
/// The property (an <see cref="Microsoft.Extensions.Configuration.IConfigurationSection"/>) receives the object's
/// section when it holds keys the class does not declare: a plugin's options written inline where a stage names it.
/// Those keys are checked against the plugin's own options class instead.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class InlineSectionAttribute : Attribute;
