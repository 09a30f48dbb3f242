using Forge.Contracts.Training;
using Forge.Core.Distributed;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Forge.Core.Training;

/// <summary>
/// ZeRO stage 1 (<see cref="TrainingOptions.ShardOptimizer"/> with several ranks): the trainable weights are laid end
/// to end in one flat index space, walked in buckets of <see cref="TrainingOptions.ShardBucketElements"/> (see
/// <see cref="ShardLayout"/>), and each rank keeps only its piece of every bucket — the float32 master weights, one
/// AdamW parameter per piece — with AdamW's moments for it. A step builds one bucket's float32 gradient at a time from
/// the parameters' own gradients and reduce-scatters it (each rank receives the average of its piece), clips by the
/// norm over all pieces, updates the pieces one at a time, and all-gathers each updated bucket straight back into the
/// parameters. The optimizer state per GPU falls as 1/N, and the update's transient memory is one bucket, not the
/// model (<see cref="LargestShardTransient"/>); AdamW being elementwise, the update is the unsharded one. Checkpoints
/// hold the same per-parameter tensors as an unsharded run (gathered bucket by bucket first), so a run may resume with
/// or without sharding and with another number of ranks. The shard is float32 whatever
/// <see cref="TrainingOptions.MasterWeights"/> says, and a parameter without a gradient is updated as one with a zero
/// gradient. Modules a plugin adds after the first update train unsharded beside it.
/// </summary>
public sealed partial class TrainingContext
{
    private ShardLayout? _layout;
    private List<Parameter>? _pieces;
    private GatheredState? _gathered;

    private bool Sharded => _options.ShardOptimizer && _communicator.WorldSize > 1;

    /// <summary>
    /// Elements of the largest buffer the sharded step, <see cref="GatherState"/> or a sharded restore allocated on the
    /// model's device (0 unsharded): at most <see cref="TrainingOptions.ShardBucketElements"/> (rounded down to a
    /// multiple of the ranks, but at least one element per rank), whatever the model's size.
    /// </summary>
    internal long LargestShardTransient { get; private set; }

    /// <summary>Elements of each AdamW parameter this rank's shard is kept in (one per bucket).</summary>
    internal IReadOnlyList<long> ShardPieceElements => _pieces?.Select(p => p.numel()).ToList() ?? [];

    private optim.Optimizer CreateShardedOptimizer()
    {
        var parameters = Trainable().ToList();
        var layout = _layout = new ShardLayout(parameters, _communicator.WorldSize, _communicator.Rank, _options.ShardBucketElements);
        var device = parameters.Count > 0 ? parameters[0].device : _communicator.Device;
        _pieces = [];
        using (no_grad())
        {
            foreach (var bucket in layout.Buckets)
            {
                using var piece = zeros(bucket.Piece, float32, device).DetachFromDisposeScope();
                layout.Pack(layout.PieceStart(bucket), piece, i => parameters[i]);
                _pieces.Add(new Parameter(piece, requires_grad: true));
            }
        }
        // One AdamW parameter per piece, stepped one at a time (ShardedStep): its temporaries are a piece's, not a shard's.
        return optim.AdamW(_pieces, _options.LearningRate, _options.Beta1, _options.Beta2, weight_decay: _options.WeightDecay);
    }

    private OptimizerStepResult ShardedStep(optim.Optimizer optimizer, double lr)
    {
        var layout = _layout!;
        var pieces = _pieces!;
        var extras = Optimized().Where(p => !layout.Contains(p)).ToList();
        var gradients = new Tensor?[pieces.Count];
        double norm;
        bool finite;
        try
        {
            using (var scope = NewDisposeScope())
            using (no_grad())
            {
                _nonFiniteLoss = _communicator.AllReduceValues([_nonFiniteLoss ? 1 : 0], ReduceOp.Max)[0] > 0;
                if (extras.Count > 0) ReduceGradients(extras);
                var local = layout.Parameters.Select(p => p.grad).ToList();
                var buffer = ShardBuffer(layout.BucketSpan, pieces[0].device);
                var squares = new List<Tensor>();
                for (int k = 0; k < pieces.Count; k++)
                {
                    var bucket = layout.Buckets[k];
                    var span = buffer.narrow(0, 0, bucket.Span);
                    layout.Pack(bucket.Start, span, i => local[i]);
                    var gradient = gradients[k] = empty(bucket.Piece, float32, buffer.device).DetachFromDisposeScope();
                    _communicator.ReduceScatter(span, gradient, ReduceOp.Average);
                    using var inner = NewDisposeScope(); // one piece's temporaries at a time
                    squares.Add(gradient.square().sum(float64).MoveToOuterDisposeScope());
                }
                double sum = _communicator.AllReduceValues([stack(squares).sum().ToDouble()])[0]
                    + extras.Where(p => p.grad is not null).Sum(p => p.grad!.to(float64).square().sum().ToDouble());
                norm = Math.Sqrt(sum);
                if (_options.MaxGradNorm > 0 && double.IsFinite(norm) && norm > _options.MaxGradNorm)
                {
                    double scale = _options.MaxGradNorm / (norm + 1e-6);
                    foreach (var gradient in gradients) gradient!.mul_(scale);
                    foreach (var p in extras) p.grad?.mul_(scale);
                }
            }
            finite = !_nonFiniteLoss && double.IsFinite(norm);
            if (finite)
            {
                foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
                StepPieces(optimizer, pieces, gradients);
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                var buffer = ShardBuffer(layout.BucketSpan, pieces[0].device);
                for (int k = 0; k < pieces.Count; k++)
                {
                    var bucket = layout.Buckets[k];
                    var span = buffer.narrow(0, 0, bucket.Span);
                    _communicator.AllGather(pieces[k].detach(), span);
                    layout.Unpack(bucket.Start, span, i => layout.Parameters[i]);
                }
            }
        }
        finally
        {
            foreach (var gradient in gradients) gradient?.Dispose();
        }
        optimizer.zero_grad();
        foreach (var p in layout.Parameters) p.grad?.zero_();
        return CompleteStep(finite, norm, lr);
    }

    /// <summary>
    /// AdamW over the pieces one at a time: each <c>step</c> sees one piece's gradient (the others have none, so AdamW
    /// passes them by), so what it allocates on the way — it keeps its temporaries until the step returns — is one
    /// piece's. The unsharded parameters (<c>extras</c>) take part in the first step only. Each piece's gradient is
    /// freed once it is applied.
    /// </summary>
    private static void StepPieces(optim.Optimizer optimizer, List<Parameter> pieces, Tensor?[] gradients)
    {
        var own = pieces.Select(p => p.Handle).ToHashSet();
        var hidden = new List<(Parameter Parameter, Tensor Gradient)>();
        try
        {
            for (int k = 0; k < pieces.Count; k++)
            {
                pieces[k].grad = gradients[k];
                optimizer.step();
                pieces[k].grad = null;
                gradients[k]!.Dispose();
                gradients[k] = null;
                if (k > 0) continue;
                foreach (var p in optimizer.parameters())
                {
                    if (own.Contains(p.Handle) || p.grad is not { } gradient) continue;
                    hidden.Add((p, gradient));
                    p.grad = null;
                }
            }
        }
        finally
        {
            foreach (var (p, gradient) in hidden)
            {
                p.grad = gradient;
                gradient.Dispose();
            }
        }
    }

    /// <summary>A float32 buffer of the sharded collectives, counted in <see cref="LargestShardTransient"/>.</summary>
    private Tensor ShardBuffer(long elements, Device device)
    {
        LargestShardTransient = Math.Max(LargestShardTransient, elements);
        return empty(elements, float32, device);
    }

    /// <summary>
    /// Brings the sharded state together before a checkpoint: every rank calls it (a collective); rank 0's
    /// <see cref="SaveState"/> then writes the whole. A no-op unsharded.
    /// </summary>
    public void GatherState()
    {
        if (_layout is null || _pieces is null || _optimizer is null) return;
        DisposeGathered();
        var states = PieceStates();
        _gathered = new GatheredState(
            Gather(k => _pieces[k]),
            Gather(k => states[k].exp_avg),
            Gather(k => states[k].exp_avg_sq),
            states[0].step);
    }

    /// <summary>Every rank's pieces, all-gathered bucket by bucket into one float32 CPU tensor per parameter.</summary>
    private Tensor[] Gather(Func<int, Tensor> piece)
    {
        var layout = _layout!;
        var targets = layout.Parameters.Select(p => zeros(p.shape, float32, CPU).DetachFromDisposeScope()).ToArray();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var buffer = ShardBuffer(layout.BucketSpan, _pieces![0].device);
        for (int k = 0; k < layout.Buckets.Count; k++)
        {
            var bucket = layout.Buckets[k];
            var span = buffer.narrow(0, 0, bucket.Span);
            _communicator.AllGather(piece(k).detach(), span);
            using var host = span.device.type == DeviceType.CPU ? span.alias() : span.cpu();
            layout.Unpack(bucket.Start, host, i => targets[i]);
        }
        return targets;
    }

    /// <summary>Elements of AdamW's first-moment tensors this rank holds (the optimizer state falls as 1/N under ZeRO-1).</summary>
    public long OptimizerStateElements => _optimizer is null ? 0 : OptimizerStatesOf().Sum(s => s.State.exp_avg.numel());

    /// <summary>The AdamW state of each piece, in bucket order.</summary>
    private List<AdamW.State> PieceStates()
    {
        var states = OptimizerStatesOf().ToDictionary(s => s.Parameter.Handle, s => s.State);
        return _pieces!.Select(p => states[p.Handle]).ToList();
    }

    /// <summary>The gathered shards as an unsharded run's per-parameter tensors (<see cref="SaveState"/>).</summary>
    private IEnumerable<(string, Tensor)> GatheredTensors(Dictionary<IntPtr, string> keys)
    {
        if (_layout is null) yield break;
        if (_gathered is null) throw new InvalidOperationException("GatherState must run on every rank before a sharded state is saved");
        for (int i = 0; i < _layout.Parameters.Count; i++)
        {
            var p = _layout.Parameters[i];
            string key = keys[p.Handle];
            if (_options.MasterWeights && p.dtype != ScalarType.Float32) yield return ($"master/{key}", _gathered.Master[i]);
            yield return ($"adamw/{key}/step", tensor(_gathered.Step));
            yield return ($"adamw/{key}/exp_avg", _gathered.Average[i]);
            yield return ($"adamw/{key}/exp_avg_sq", _gathered.Squares[i]);
        }
    }

    /// <summary>Loads this rank's pieces of a saved per-parameter state (consuming its tensors from <paramref name="saved"/>).</summary>
    private void LoadShard(Dictionary<string, Tensor> saved, Dictionary<IntPtr, string> keys)
    {
        var layout = _layout!;
        var master = new List<Tensor?>();
        var average = new List<Tensor?>();
        var squares = new List<Tensor?>();
        long step = 0;
        try
        {
            foreach (var p in layout.Parameters)
            {
                string key = keys[p.Handle];
                master.Add(saved.Remove($"master/{key}", out var m) ? m : p.detach());
                step = (long)Scalar(saved, $"adamw/{key}/step");
                average.Add(Take(saved, $"adamw/{key}/exp_avg", p));
                squares.Add(Take(saved, $"adamw/{key}/exp_avg_sq", p));
            }
            var states = PieceStates();
            using var noGrad = no_grad();
            for (int k = 0; k < layout.Buckets.Count; k++)
            {
                long start = layout.PieceStart(layout.Buckets[k]);
                layout.Pack(start, _pieces![k], i => master[i]);
                layout.Pack(start, states[k].exp_avg, i => average[i]);
                layout.Pack(start, states[k].exp_avg_sq, i => squares[i]);
                states[k].step = step;
            }
        }
        finally
        {
            foreach (var t in master.Concat(average).Concat(squares)) t?.Dispose();
        }
    }

    private Tensor Take(Dictionary<string, Tensor> saved, string name, Parameter p)
    {
        if (!saved.Remove(name, out var value))
            throw new ForgeDataException($"{_restoredFrom}: missing tensor \"{name}\" (the model or optimizer changed since the checkpoint?)");
        if (!value.shape.SequenceEqual(p.shape))
            throw new ForgeDataException($"{_restoredFrom}: tensor \"{name}\" has shape [{string.Join(", ", value.shape)}], this training needs [{string.Join(", ", p.shape)}]");
        return value;
    }

    private void DisposeGathered()
    {
        foreach (var t in _gathered is null ? [] : _gathered.Master.Concat(_gathered.Average).Concat(_gathered.Squares)) t.Dispose();
        _gathered = null;
    }

    /// <summary>The whole optimizer state of a sharded run, per parameter, on the CPU (<see cref="GatherState"/>).</summary>
    private sealed record GatheredState(Tensor[] Master, Tensor[] Average, Tensor[] Squares, long Step);
}
