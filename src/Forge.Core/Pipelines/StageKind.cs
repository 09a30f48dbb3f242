namespace Forge.Core.Pipelines;

/// <summary>Registers a stage kind name so the runner can list the available kinds in its errors.</summary>
/// <param name="Name">The kind as written in configuration (<c>Kind</c> of a stage).</param>
public sealed record StageKind(string Name);
