namespace Forge.Core.Pipelines;

/// <summary>What a stage reports for <c>summary.json</c>.</summary>
/// <param name="Metrics">Final metrics of the stage (e.g. reward means, losses).</param>
public sealed record StageResult(IReadOnlyDictionary<string, double> Metrics);
