using Forge.Contracts.Models;
using Forge.Contracts.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Forge.Plugins.Grpo.Tests;

/// <summary>
/// An <see cref="ITrainingContext"/> whose models are tables of float64 log-probs, so that the gradient an optimizer's
/// <c>Step</c> sends back reaches a tensor the test can read: the policy's table is one trainable leaf [rows, T], the
/// reference's a fixed table. Row r of a batch built by <see cref="Batch"/> carries r as its first token, which is how
/// <see cref="Evaluate"/> finds it in any micro-batch. Each <see cref="OptimizerStep"/> records the gradient
/// accumulated since the last one and clears it (no parameter moves).
/// </summary>
internal sealed class TableTrainingContext : ITrainingContext, IDisposable
{
    private readonly Tensor _policy;
    private readonly Tensor _reference;

    public TableTrainingContext(double[,] policyLogProbs, double[,] referenceLogProbs, int microBatchSize)
    {
        _policy = tensor(policyLogProbs, float64).requires_grad_();
        _reference = tensor(referenceLogProbs, float64);
        MicroBatchSize = microBatchSize;
    }

    /// <summary>The gradient of the policy table at each optimizer step, [rows, T].</summary>
    public List<double[,]> Gradients { get; } = [];

    public ILanguageModel Policy { get; } = new TableModel();

    public ILanguageModel Reference { get; } = new TableModel();

    public ILanguageModel? Teacher => null;

    public int StepNumber { get; private set; }

    public int MicroBatchSize { get; }

    /// <summary>A batch of rows with these completion lengths; row r's prompt is the single token r.</summary>
    public static TokenBatch Batch(int[] completionLengths)
    {
        int rows = completionLengths.Length, width = Math.Max(1, completionLengths.Max());
        var ids = new long[rows, width + 1];
        var attention = new long[rows, width + 1];
        var mask = new float[rows, width];
        for (int r = 0; r < rows; r++)
        {
            ids[r, 0] = r;
            attention[r, 0] = 1;
            for (int t = 0; t < completionLengths[r]; t++)
            {
                ids[r, t + 1] = 1;
                attention[r, t + 1] = 1;
                mask[r, t] = 1;
            }
        }
        return new TokenBatch(tensor(ids), tensor(attention), 1, tensor(mask));
    }

    public SequenceOutputs Evaluate(ILanguageModel model, TokenBatch batch, bool withEntropy = false, bool withHidden = false)
    {
        var table = ReferenceEquals(model, Policy) ? _policy : ReferenceEquals(model, Reference) ? _reference : throw new ArgumentException("not a model of this context");
        var logProbs = table.index_select(0, batch.InputIds.select(1, 0));
        return new SequenceOutputs(logProbs, withEntropy ? zeros_like(logProbs) : null, null);
    }

    public Tensor CompletionLogits(ILanguageModel model, TokenBatch batch) => throw new NotSupportedException();

    public void AddTrainable(nn.Module module) => throw new NotSupportedException();

    public void Backward(Tensor loss) => loss.backward();

    public OptimizerStepResult OptimizerStep()
    {
        using var grad = _policy.grad;
        var values = new double[_policy.shape[0], _policy.shape[1]];
        if (grad is not null)
        {
            var flat = grad.data<double>().ToArray();
            Buffer.BlockCopy(flat, 0, values, 0, flat.Length * sizeof(double));
            grad.zero_();
        }
        Gradients.Add(values);
        StepNumber++;
        return new OptimizerStepResult(true, 0, 0);
    }

    public void SyncReference(double alpha = 1.0) => throw new NotSupportedException();

    public void Dispose()
    {
        _policy.Dispose();
        _reference.Dispose();
    }

    /// <summary>Stands for a model: the context tells its tables apart by which of these it is handed.</summary>
    private sealed class TableModel : ILanguageModel
    {
        public int VocabSize => throw new NotSupportedException();
        public Device Device => CPU;
        public ScalarType DType => ScalarType.Float64;
        public nn.Module Module => throw new NotSupportedException();
        public Tensor Hidden(Tensor inputIds, Tensor? attentionMask = null, IKeyValueCache? cache = null) => throw new NotSupportedException();
        public Tensor Logits(Tensor hidden) => throw new NotSupportedException();
        public IKeyValueCache CreateCache(int batchSize, int capacity) => throw new NotSupportedException();
        public ILanguageModel Clone(bool frozen) => throw new NotSupportedException();
        public void Save(string directory) => throw new NotSupportedException();
        public void Dispose() { }
    }
}
