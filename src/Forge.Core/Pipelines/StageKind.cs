namespace Forge.Core.Pipelines;

/// <summary>Registers a stage kind: its name in configuration and the options class its stages bind to.</summary>
/// <param name="Name">The kind as written in configuration (<c>Kind</c> of a stage).</param>
/// <param name="OptionsType">The options class (a <see cref="Stages.StageOptions"/>) a stage of this kind binds to.</param>
public sealed record StageKind(string Name, Type OptionsType);
