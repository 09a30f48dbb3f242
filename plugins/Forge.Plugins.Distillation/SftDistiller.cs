using Forge.Contracts.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Forge.Plugins.Distillation;

/// <summary>
/// Supervised fine-tuning on traces: the mean negative log-likelihood of the completion tokens (prompt tokens carry
/// no loss), averaged over all completion tokens of the batch so micro-batching does not change the gradient.
/// </summary>
public sealed class SftDistiller : IDistiller
{
    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> Step(TokenBatch batch, ITrainingContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(context);
        // The batch's completion tokens, every data-parallel rank's together; gradients are averaged over the ranks,
        // so each rank's share is scaled by their number.
        double tokens = Math.Max(1, context.SumOverRanks(batch.CompletionMask.sum().ToDouble())[0]);
        double perRank = tokens / context.WorldSize;
        double lossSum = 0, correct = 0;
        foreach (var (start, length) in context.MicroBatches(batch.RowCount))
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            using var slice = batch.Slice(start, length);
            var mask = slice.CompletionMask.to(float32);
            var logProbs = context.Evaluate(context.Policy, slice).LogProbs;
            var loss = -(logProbs * mask).sum() / perRank;
            context.Backward(loss);
            lossSum += loss.ToDouble();
            // A token is "right" when the model gave it more than half the probability mass.
            correct += ((logProbs.detach() > Math.Log(0.5)).to(float32) * mask).sum().ToDouble();
        }
        var steps = new OptimizerStepTotals();
        steps.Add(context.OptimizerStep());
        var totals = context.SumOverRanks(lossSum / context.WorldSize, correct);
        var metrics = new Dictionary<string, double> { ["loss"] = totals[0], ["token_accuracy"] = totals[1] / tokens };
        steps.WriteTo(metrics);
        return metrics;
    }
}
