using Forge.Contracts.Models;
using Forge.Contracts.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Forge.Testing;

/// <summary>
/// An <see cref="ITrainingContext"/> for optimizer and distiller tests: it does the real work on a small model
/// (log-probs with gradients, backward, a plain SGD step on the policy and every added trainable module) and records
/// what the plugin asked for — every <see cref="Backward"/> call's loss, every <see cref="OptimizerStep"/> and its
/// gradient norm — so a test can check the plugin's control flow (one backward per micro-batch, one step per batch)
/// and its effect (the rewarded completion became likelier). The reference model is a frozen copy of the policy taken
/// on first use.
/// </summary>
public sealed class RecordingTrainingContext : ITrainingContext, IDisposable
{
    private readonly List<nn.Module> _extra = [];
    private readonly List<double> _losses = [];
    private readonly List<OptimizerStepResult> _steps = [];
    private readonly List<int> _backwardsPerStep = [];
    private readonly List<double[]> _rankSums = [];
    private ILanguageModel? _reference;
    private int _backwardsSinceStep;

    /// <summary>A context training <paramref name="policy"/> (default: a new <see cref="TinyLanguageModel"/>).</summary>
    public RecordingTrainingContext(ILanguageModel? policy = null, int microBatchSize = 4, double learningRate = 0.5, ILanguageModel? teacher = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(microBatchSize, 1);
        Policy = policy ?? new TinyLanguageModel();
        MicroBatchSize = microBatchSize;
        LearningRate = learningRate;
        Teacher = teacher;
    }

    /// <inheritdoc />
    public ILanguageModel Policy { get; }

    /// <inheritdoc />
    public ILanguageModel Reference => _reference ??= Policy.Clone(frozen: true);

    /// <inheritdoc />
    public ILanguageModel? Teacher { get; }

    /// <inheritdoc />
    public int StepNumber => _steps.Count(s => s.Applied);

    /// <inheritdoc />
    public int MicroBatchSize { get; }

    /// <summary>The SGD learning rate of <see cref="OptimizerStep"/>.</summary>
    public double LearningRate { get; }

    /// <summary>The loss of every <see cref="Backward"/> call, in order.</summary>
    public IReadOnlyList<double> BackwardLosses => _losses;

    /// <summary>Every <see cref="OptimizerStep"/>'s result, in order.</summary>
    public IReadOnlyList<OptimizerStepResult> OptimizerSteps => _steps;

    /// <summary>How many <see cref="Backward"/> calls each <see cref="OptimizerStep"/> followed, in order.</summary>
    public IReadOnlyList<int> BackwardsPerStep => _backwardsPerStep;

    /// <summary>Modules added with <see cref="AddTrainable"/> or <see cref="ITrainingContext.Trainable{T}"/>.</summary>
    public IReadOnlyList<nn.Module> ExtraModules => _extra;

    /// <summary>
    /// The ranks this context pretends to train with (default 1): set it with <see cref="OtherRanks"/> to check that a
    /// plugin normalises by batch-wide counts the way a data-parallel run needs — the context still trains only its own
    /// share, as one rank would before the gradients are averaged.
    /// </summary>
    public int WorldSize { get; init; } = 1;

    /// <summary>This context's rank (default 0).</summary>
    public int Rank { get; init; }

    /// <summary>
    /// What the other ranks add to each <see cref="SumOverRanks"/> call, given this rank's values (default: nothing), e.g.
    /// <c>values =&gt; values.Select(v =&gt; 3 * v).ToArray()</c> for other ranks holding three times this rank's share.
    /// </summary>
    public Func<double[], double[]>? OtherRanks { get; init; }

    /// <summary>The values of every <see cref="SumOverRanks"/> call, in order, as the plugin passed them.</summary>
    public IReadOnlyList<double[]> RankSums => _rankSums;

    /// <inheritdoc />
    public double[] SumOverRanks(params double[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        _rankSums.Add((double[])values.Clone());
        if (OtherRanks is null) return (double[])values.Clone();
        var others = OtherRanks((double[])values.Clone());
        if (others.Length != values.Length) throw new InvalidOperationException($"OtherRanks gave {others.Length} values for {values.Length}");
        return values.Zip(others, (mine, theirs) => mine + theirs).ToArray();
    }

    /// <inheritdoc />
    public SequenceOutputs Evaluate(ILanguageModel model, TokenBatch batch, bool withEntropy = false, bool withHidden = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = NewDisposeScope();
        long length = batch.InputIds.shape[1] - batch.CompletionStart;
        var hidden = model.Hidden(batch.InputIds, batch.AttentionMask).narrow(1, batch.CompletionStart - 1, length);
        var logits = model.Logits(hidden).to(ScalarType.Float32);
        var all = logits.log_softmax(-1);
        var logProbs = all.gather(-1, batch.InputIds.narrow(1, batch.CompletionStart, length).unsqueeze(-1)).squeeze(-1);
        Tensor? entropy = withEntropy ? -(all.exp() * all).sum(-1).detach() : null;
        return new SequenceOutputs(logProbs.MoveToOuterDisposeScope(), entropy?.MoveToOuterDisposeScope(), withHidden ? hidden.MoveToOuterDisposeScope() : null);
    }

    /// <inheritdoc />
    public Tensor CompletionLogits(ILanguageModel model, TokenBatch batch)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = NewDisposeScope();
        long length = batch.InputIds.shape[1] - batch.CompletionStart;
        var hidden = model.Hidden(batch.InputIds, batch.AttentionMask).narrow(1, batch.CompletionStart - 1, length);
        return model.Logits(hidden).to(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void AddTrainable(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        _extra.Add(module);
    }

    /// <inheritdoc />
    public void Backward(Tensor loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        _losses.Add(loss.ToDouble());
        _backwardsSinceStep++;
        loss.backward();
    }

    /// <inheritdoc />
    public OptimizerStepResult OptimizerStep()
    {
        using var noGrad = no_grad();
        var parameters = Policy.Module.parameters().Concat(_extra.SelectMany(m => m.parameters())).Where(p => p.requires_grad).ToList();
        double norm = Math.Sqrt(parameters.Where(p => p.grad is not null).Sum(p => p.grad!.square().sum().ToDouble()));
        bool applied = double.IsFinite(norm);
        foreach (var p in parameters)
        {
            if (p.grad is null) continue;
            if (applied) p.add_(p.grad, alpha: -LearningRate);
            p.grad.zero_();
        }
        var result = new OptimizerStepResult(applied, norm, LearningRate);
        _steps.Add(result);
        _backwardsPerStep.Add(_backwardsSinceStep);
        _backwardsSinceStep = 0;
        return result;
    }

    /// <inheritdoc />
    public void SyncReference(double alpha = 1.0)
    {
        using var noGrad = no_grad();
        foreach (var (target, source) in Reference.Module.parameters().Zip(Policy.Module.parameters()))
            target.mul_(1 - alpha).add_(source, alpha: alpha);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _reference?.Module.Dispose();
        foreach (var module in _extra) module.Dispose();
    }
}
