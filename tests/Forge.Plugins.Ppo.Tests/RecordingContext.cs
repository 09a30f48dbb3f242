using Forge.Contracts.Models;
using Forge.Contracts.Training;
using static TorchSharp.torch;

namespace Forge.Plugins.Ppo.Tests;

/// <summary>
/// A training context that passes everything to a real one and records which rows (by
/// <see cref="TestRollouts.RowMarker"/>) each optimizer update was computed from: the rows evaluated with gradients
/// since the previous update.
/// </summary>
internal sealed class RecordingContext(ITrainingContext inner) : ITrainingContext
{
    private readonly List<int> _pending = [];

    /// <summary>The rows behind each update, in order.</summary>
    public List<IReadOnlyList<int>> Updates { get; } = [];

    public ILanguageModel Policy => inner.Policy;

    public ILanguageModel Reference => inner.Reference;

    public ILanguageModel? Teacher => inner.Teacher;

    public int StepNumber => inner.StepNumber;

    public int MicroBatchSize => inner.MicroBatchSize;

    public SequenceOutputs Evaluate(ILanguageModel model, TokenBatch batch, bool withEntropy = false, bool withHidden = false)
    {
        if (is_grad_enabled())
        {
            var markers = batch.InputIds.select(1, batch.CompletionStart).data<long>().ToArray();
            _pending.AddRange(markers.Select(m => (int)m - TestRollouts.RowMarker(0)));
        }
        return inner.Evaluate(model, batch, withEntropy, withHidden);
    }

    public Tensor CompletionLogits(ILanguageModel model, TokenBatch batch) => inner.CompletionLogits(model, batch);

    public void AddTrainable(nn.Module module) => inner.AddTrainable(module);

    public T Trainable<T>(string key, Func<T> create) where T : nn.Module => inner.Trainable(key, create);

    public void Backward(Tensor loss) => inner.Backward(loss);

    public OptimizerStepResult OptimizerStep()
    {
        Updates.Add(_pending.ToList());
        _pending.Clear();
        return inner.OptimizerStep();
    }

    public void SyncReference(double alpha = 1.0) => inner.SyncReference(alpha);
}
