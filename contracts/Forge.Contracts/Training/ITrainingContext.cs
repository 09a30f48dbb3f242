using Forge.Contracts.Models;
using static TorchSharp.torch;

namespace Forge.Contracts.Training;

/// <summary>
/// The shared training machinery a policy optimizer or distiller works through: models, chunked log-probs and the
/// optimizer step (AdamW, learning-rate schedule, gradient clipping, non-finite guard). Plugins never build their
/// own optimizer loop, so every algorithm gets the same memory bounds, schedules and checkpoints.
/// <see cref="TrainingContextExtensions"/> adds micro-batch ranges and whole-batch evaluation without gradients.
/// </summary>
public interface ITrainingContext
{
    /// <summary>The model being trained.</summary>
    ILanguageModel Policy { get; }

    /// <summary>
    /// A frozen copy of the policy as it was when the stage started (or last synced), created on first use: an
    /// optimizer that needs no reference (no KL term) should never read it, so that no copy of the model is made.
    /// </summary>
    ILanguageModel Reference { get; }

    /// <summary>A teacher model when the stage configures one, else null.</summary>
    ILanguageModel? Teacher { get; }

    /// <summary>Optimizer updates applied so far in this stage.</summary>
    int StepNumber { get; }

    /// <summary>Rows per forward/backward pass; optimizers split a batch into micro-batches of this size.</summary>
    int MicroBatchSize { get; }

    /// <summary>
    /// Runs <paramref name="model"/> over <paramref name="batch"/> and returns, for each completion position, the
    /// log-prob of its token (at the stage's sampling temperature, as TRL), optionally the entropy of the distribution
    /// and the final hidden state that predicted it (for value heads). Logits are computed in chunks so that the full
    /// rows × length × vocabulary tensor never exists at once. Gradients flow when grad mode is on and the model is
    /// trainable.
    /// </summary>
    SequenceOutputs Evaluate(ILanguageModel model, TokenBatch batch, bool withEntropy = false, bool withHidden = false);

    /// <summary>
    /// Raw float32 logits of <paramref name="model"/> over the whole vocabulary at each completion position of
    /// <paramref name="batch"/> — [rows, length − CompletionStart, vocabulary], position t predicting completion token t —
    /// for losses that need the full distribution (knowledge distillation). Gradients flow when grad mode is on and the
    /// model is trainable. Memory grows with rows × length × vocabulary, so call it per micro-batch.
    /// </summary>
    Tensor CompletionLogits(ILanguageModel model, TokenBatch batch);

    /// <summary>
    /// Adds the parameters of an extra trainable module to the optimizer; the caller keeps ownership of the module.
    /// A plugin's per-stage module is better obtained through <see cref="Trainable{T}"/>.
    /// </summary>
    void AddTrainable(nn.Module module);

    /// <summary>
    /// This stage's extra trainable module under <paramref name="key"/> (e.g. PPO's value head): on first use
    /// <paramref name="create"/> builds it and it is registered through <see cref="AddTrainable"/> (so it is optimized,
    /// checkpointed and restored on resume); later calls on this context return the same instance. Its parameters and
    /// buffers are taken out of any dispose scope, so it may be created inside a step's scope. A plugin instance is
    /// shared by every stage that names it, but each stage has its own context, which starts empty: per-stage state
    /// belongs here, never in a field of the plugin. Resume restores extra modules in registration order, so a plugin
    /// must create its modules in the same order on every run. The default implementation (for contexts written before
    /// this member) keeps the modules for as long as the context lives; Forge's context also disposes them with itself.
    /// </summary>
    /// <exception cref="InvalidOperationException">The module under <paramref name="key"/> is not a <typeparamref name="T"/>.</exception>
    T Trainable<T>(string key, Func<T> create) where T : nn.Module => KeyedTrainables.GetOrAdd(this, key, create);

    /// <summary>Back-propagates <paramref name="loss"/>, accumulating gradients until <see cref="OptimizerStep"/>.</summary>
    void Backward(Tensor loss);

    /// <summary>
    /// Clips the accumulated gradients, applies one update and advances the schedule, then clears the gradients.
    /// A non-finite gradient norm skips the update (counted in the metrics).
    /// </summary>
    OptimizerStepResult OptimizerStep();

    /// <summary>Moves the reference towards the policy: ref ← α·policy + (1−α)·ref (α = 1 copies it).</summary>
    void SyncReference(double alpha = 1.0);

    /// <summary>
    /// Ranks training this stage together (data parallel: each holds the whole model and its own share of the batch);
    /// 1 in a single process. Gradients are averaged over the ranks before <see cref="OptimizerStep"/> updates, as
    /// PyTorch's DistributedDataParallel does: a loss that is a mean over the rank's own rows needs nothing more, while a
    /// loss normalised by a batch-wide count (<see cref="SumOverRanks"/>) is multiplied by <see cref="WorldSize"/> so that
    /// the average is the whole batch's gradient. Added in 1.2; older contexts are single-process.
    /// </summary>
    int WorldSize => 1;

    /// <summary>This rank, 0 … <see cref="WorldSize"/> − 1 (added in 1.2).</summary>
    int Rank => 0;

    /// <summary>
    /// Each of <paramref name="values"/> summed over the ranks — the batch-wide totals (rows, tokens, sums for metrics)
    /// a loss or a metric divides by; every rank gets the same sums. Every rank must call it at the same point with the
    /// same number of values. A copy of <paramref name="values"/> in a single process (added in 1.2).
    /// </summary>
    double[] SumOverRanks(params double[] values) => (double[])values.Clone();
}
