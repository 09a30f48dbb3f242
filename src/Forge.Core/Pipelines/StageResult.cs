using Forge.Core.Evaluation;

namespace Forge.Core.Pipelines;

/// <summary>What a stage reports for <c>summary.json</c>.</summary>
/// <param name="Metrics">Final metrics of the stage (e.g. reward means, losses).</param>
/// <param name="Eval">Held-out evaluation of the model the stage produced, when it produced one.</param>
public sealed record StageResult(IReadOnlyDictionary<string, double> Metrics, EvalResult? Eval = null);
