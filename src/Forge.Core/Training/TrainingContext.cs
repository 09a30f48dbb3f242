using Forge.Contracts.Models;
using Forge.Contracts.Training;
using Forge.Core.Adapters;
using Forge.Core.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Forge.Core.Training;

/// <summary>
/// The training machinery behind <see cref="ITrainingContext"/>: AdamW over the policy (and any extra trainable
/// modules, such as the keyed per-stage ones of <see cref="Trainable{T}"/>, which it owns), warm-up and decay, gradient
/// clipping, a guard that skips non-finite updates and stops the run after too many in a row, a lazily created frozen
/// reference, and chunked log-probs. Weights kept in bfloat16 or float16 are
/// trained through float32 master copies (the optimizer and its state are float32; the model is refreshed from them
/// after every update), so small updates are not rounded away — unless <see cref="TrainingOptions.MasterWeights"/> is
/// off, when AdamW updates them directly with its state in their dtype.
/// </summary>
public sealed partial class TrainingContext : ITrainingContext, IDisposable
{
    private readonly TrainingOptions _options;
    private readonly List<nn.Module> _extraModules = [];
    private readonly Dictionary<string, nn.Module> _keyedModules = new(StringComparer.Ordinal);
    private readonly List<nn.Module> _ownedModules = [];
    private ILanguageModel? _reference;
    private List<(Parameter Weight, Parameter Master)> _masters = [];
    private optim.Optimizer? _optimizer;
    private bool _nonFiniteLoss;

    /// <summary>Creates a context training <paramref name="policy"/>.</summary>
    /// <remarks>
    /// With a <paramref name="communicator"/> of several ranks the policy's weights are broadcast from rank 0 at once
    /// (so every rank starts from the same model), gradients are averaged over the ranks before each update, and
    /// <see cref="TrainingOptions.ShardOptimizer"/> shards the optimizer state (ZeRO stage 1).
    /// </remarks>
    public TrainingContext(ILanguageModel policy, TrainingOptions options, ILanguageModel? teacher = null, Distributed.ICommunicator? communicator = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(options);
        Policy = policy;
        _options = options;
        Teacher = teacher;
        _communicator = communicator ?? Distributed.SingleProcessCommunicator.Instance;
        if (_communicator.WorldSize > 1 && policy.Device.type != _communicator.Device.type)
            throw new ForgeDataException($"the model is on {policy.Device.type}, but the {_communicator.WorldSize} ranks of this run communicate on {_communicator.Device.type}: data-parallel ranks train on CUDA devices (Device: cuda)");
        var decoder = policy as DecoderModel ?? (policy as AdaptedModel)?.model;
        if (decoder is not null) decoder.ActivationCheckpointing = options.ActivationCheckpointing;
        BroadcastFromMain(policy.Module);
    }

    /// <inheritdoc />
    public ILanguageModel Policy { get; }

    /// <inheritdoc />
    /// <remarks>A policy training an adapter (<see cref="AdaptedModel"/>) has its frozen base as the reference: the same
    /// weights run with the adapter off, no copy.</remarks>
    public ILanguageModel Reference => _reference ??= Policy is AdaptedModel adapted ? adapted.BaseView : Policy.Clone(frozen: true);

    /// <summary>True once <see cref="Reference"/> has been created (β = 0 never creates it).</summary>
    public bool HasReference => _reference is not null;

    /// <inheritdoc />
    public ILanguageModel? Teacher { get; }

    /// <inheritdoc />
    public int StepNumber { get; private set; }

    /// <inheritdoc />
    public int MicroBatchSize => _options.MicroBatchSize;

    /// <summary>Updates skipped so far because the loss or gradients were not finite.</summary>
    public int SkippedUpdates { get; private set; }

    /// <summary>Non-finite updates since the last good one.</summary>
    public int ConsecutiveSkips { get; private set; }

    /// <summary>The optimizer, created on the first backward pass so that extra modules can join first.</summary>
    public optim.Optimizer Optimizer => _optimizer ??= CreateOptimizer();

    /// <inheritdoc />
    public SequenceOutputs Evaluate(ILanguageModel model, TokenBatch batch, bool withEntropy = false, bool withHidden = false) =>
        SequenceEvaluator.Evaluate(model, batch, _options.Temperature, _options.LogitsChunk, withEntropy, withHidden);

    /// <inheritdoc />
    public Tensor CompletionLogits(ILanguageModel model, TokenBatch batch)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.CompletionStart < 1) throw new ArgumentException("a completion needs at least one prompt token before it");
        using var scope = NewDisposeScope();
        long length = batch.InputIds.size(1) - batch.CompletionStart;
        // The hidden state at position p predicts the token at p + 1.
        var hidden = SequenceEvaluator.Hidden(model, batch).narrow(1, batch.CompletionStart - 1, length);
        return model.Logits(hidden).to(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void AddTrainable(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        _extraModules.Add(module);
        BroadcastFromMain(module); // a module drawn on every rank starts as rank 0's (a resumed one is then restored alike)
        if (_optimizer is not null)
            _optimizer.add_param_group(new AdamW.ParamGroup(module.parameters().ToList(), new AdamW.Options { LearningRate = CurrentLearningRate }));
        RestorePendingExtra(_extraModules.Count - 1);
    }

    /// <inheritdoc />
    /// <remarks>The module is owned by this context from its creation on: <see cref="Dispose"/> disposes it.</remarks>
    public T Trainable<T>(string key, Func<T> create) where T : nn.Module
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(create);
        if (_keyedModules.TryGetValue(key, out var existing))
            return existing as T ?? throw new InvalidOperationException($"the trainable module \"{key}\" of this stage is a {existing.GetType().Name}, not a {typeof(T).Name}");
        var module = create() ?? throw new InvalidOperationException($"the factory of trainable module \"{key}\" returned null");
        // Created during some step, it must outlive that step's dispose scope.
        foreach (var tensor in module.parameters().Concat(module.buffers())) tensor.DetachFromDisposeScope();
        _ownedModules.Add(module);
        // Registered (and, on resume, restored by its index) before it is handed out under its key.
        AddTrainable(module);
        _keyedModules.Add(key, module);
        return module;
    }

    /// <inheritdoc />
    public void Backward(Tensor loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        _ = Optimizer;
        if (!double.IsFinite(loss.ToDouble()))
        {
            _nonFiniteLoss = true; // keep going so the step boundary stays where it is; the update is skipped
            return;
        }
        loss.backward();
    }

    /// <inheritdoc />
    public OptimizerStepResult OptimizerStep()
    {
        var optimizer = Optimizer;
        double lr = CurrentLearningRate;
        if (_layout is not null) return ShardedStep(optimizer, lr);
        using (no_grad())
        {
            foreach (var (weight, master) in _masters)
                master.grad = weight.grad?.to(ScalarType.Float32);
        }
        var parameters = Optimized().ToList();
        if (_communicator.WorldSize > 1) ReduceGradients(parameters);
        double norm = _options.MaxGradNorm > 0
            ? nn.utils.clip_grad_norm_(parameters, _options.MaxGradNorm)
            : GradNorm(parameters);
        bool finite = !_nonFiniteLoss && double.IsFinite(norm);
        if (finite)
        {
            foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
            optimizer.step();
            using (no_grad())
            {
                foreach (var (weight, master) in _masters) weight.copy_(master);
            }
        }
        optimizer.zero_grad();
        foreach (var (weight, _) in _masters) weight.grad?.zero_();
        return CompleteStep(finite, norm, lr);
    }

    /// <summary>
    /// Counts an optimizer step as taken or skipped (both the plain and the sharded step end here) and stops training
    /// after <see cref="TrainingOptions.MaxNonFiniteSteps"/> skips in a row.
    /// </summary>
    private OptimizerStepResult CompleteStep(bool finite, double norm, double lr)
    {
        if (finite)
        {
            StepNumber++;
            ConsecutiveSkips = 0;
        }
        else
        {
            SkippedUpdates++;
            ConsecutiveSkips++;
        }
        _nonFiniteLoss = false;
        if (ConsecutiveSkips >= _options.MaxNonFiniteSteps)
            throw new ForgeDataException($"training stopped: {ConsecutiveSkips} updates in a row had a non-finite loss or gradient (lower Training:LearningRate or check the data)");
        return new OptimizerStepResult(finite, norm, lr);
    }

    /// <inheritdoc />
    public void SyncReference(double alpha = 1.0)
    {
        if (Policy is AdaptedModel)
            throw new ForgeDataException("the reference cannot be synced while training an adapter: the frozen base is the reference (turn reference syncing off, or train without Adapter)");
        using var noGrad = no_grad();
        var target = Reference.Module.parameters().ToList();
        var source = Policy.Module.parameters().ToList();
        for (int i = 0; i < target.Count; i++)
            target[i].mul_(1 - alpha).add_(source[i].to(target[i].dtype), alpha: alpha);
    }

    private double CurrentLearningRate => LearningRate.At(_options, StepNumber);

    private IEnumerable<Parameter> Trainable() =>
        Policy.Module.parameters().Concat(_extraModules.SelectMany(m => m.parameters())).Where(p => p.requires_grad);

    /// <summary>Float32 master copies of the half-precision weights (empty when the model trains in float32).</summary>
    public IReadOnlyList<Parameter> MasterWeights => _masters.Select(m => m.Master).ToList();

    private optim.Optimizer CreateOptimizer()
    {
        if (Sharded) return CreateShardedOptimizer();
        using (no_grad())
        {
            _masters = Trainable().Where(p => _options.MasterWeights && p.dtype != ScalarType.Float32)
                .Select(p => (p, new Parameter(p.detach().to(ScalarType.Float32).clone().DetachFromDisposeScope(), requires_grad: true)))
                .ToList();
        }
        // A fixed list: TorchSharp re-enumerates a group's parameters at every step, so a lazy query would pull in
        // modules added later (which get their own group) and update them twice.
        return optim.AdamW(Optimized().ToList(), _options.LearningRate, _options.Beta1, _options.Beta2, weight_decay: _options.WeightDecay);
    }

    /// <summary>What the optimizer updates: float32 trainable weights as they are, masters in place of half-precision ones.</summary>
    private IEnumerable<Parameter> Optimized()
    {
        var replaced = _masters.ToDictionary(m => m.Weight.Handle, m => m.Master);
        return Trainable().Select(p => replaced.GetValueOrDefault(p.Handle, p));
    }

    private static double GradNorm(IEnumerable<Parameter> parameters)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var squares = parameters.Select(p => p.grad).OfType<Tensor>().Select(g => g.to(float64).square().sum()).ToList();
        if (squares.Count == 0) return 0;
        // One read for all parameters, summed here in order as before (no read per parameter).
        double sum = 0;
        foreach (double value in stack(squares).cpu().data<double>().ToArray()) sum += value;
        return Math.Sqrt(sum);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _optimizer?.Dispose();
        _reference?.Dispose();
        foreach (var (_, master) in _masters) master.Dispose();
        foreach (var piece in _pieces ?? []) piece.Dispose();
        DisposeGathered();
        foreach (var module in _ownedModules) module.Dispose();
        DisposePendingState();
    }
}
