using Forge.Contracts.Plugins;
using Forge.Contracts.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Forge.Plugins.Distillation;

/// <summary>
/// Token-level knowledge distillation: at every completion position the student's distribution is pulled towards
/// the teacher's (see <see cref="DistillationLoss"/>), averaged over the batch's completion tokens. The completions
/// may be the teacher's traces or the student's own samples (the stage's on-policy share), as in GKD.
/// </summary>
public sealed class KdDistiller(KdOptions options) : IDistiller
{
    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> Step(TokenBatch batch, ITrainingContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(context);
        var teacherModel = context.Teacher
            ?? throw new PluginInputException("the kd distiller needs a teacher: set the stage's Teacher to a model folder");
        // Checkpoints of one family may pad the embedding differently; ids beyond the smaller one are never produced.
        long vocabulary = Math.Min(teacherModel.VocabSize, context.Policy.VocabSize);
        // The batch's completion tokens, every data-parallel rank's together; gradients are averaged over the ranks,
        // so each rank's share is scaled by their number.
        double tokens = Math.Max(1, context.SumOverRanks(batch.CompletionMask.sum().ToDouble())[0]);
        double perRank = tokens / context.WorldSize;
        double lossSum = 0, agree = 0;
        foreach (var (start, length) in context.MicroBatches(batch.RowCount))
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            using var slice = batch.Slice(start, length);
            var mask = slice.CompletionMask.to(float32);
            Tensor teacher;
            using (no_grad())
                teacher = context.CompletionLogits(teacherModel, slice).narrow(-1, 0, vocabulary);
            var student = context.CompletionLogits(context.Policy, slice).narrow(-1, 0, vocabulary);
            var loss = (DistillationLoss.PerToken(student, teacher, options.Beta, options.Temperature) * mask).sum() / perRank;
            context.Backward(loss);
            lossSum += loss.ToDouble();
            agree += ((student.detach().argmax(-1) == teacher.argmax(-1)).to(float32) * mask).sum().ToDouble();
        }
        var steps = new OptimizerStepTotals();
        steps.Add(context.OptimizerStep());
        var totals = context.SumOverRanks(lossSum / context.WorldSize, agree);
        var metrics = new Dictionary<string, double> { ["loss"] = totals[0], ["teacher_agreement"] = totals[1] / tokens };
        steps.WriteTo(metrics);
        return metrics;
    }
}
