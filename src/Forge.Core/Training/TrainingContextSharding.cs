using Forge.Contracts.Training;
using Forge.Core.Distributed;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Forge.Core.Training;

/// <summary>
/// ZeRO stage 1 (<see cref="TrainingOptions.ShardOptimizer"/> with several ranks): the trainable weights are laid end
/// to end in one float32 vector and each rank keeps only its 1/N shard of it — the master weights — with AdamW's
/// moments for that shard. A step reduce-scatters the gradients (each rank receives the average of its shard), clips
/// by the norm over all shards, updates the shard, and all-gathers the updated shards into every rank's model. The
/// optimizer state per GPU falls as 1/N; AdamW being elementwise, the update is the unsharded one. Checkpoints hold the
/// same per-parameter tensors as an unsharded run (the shards are gathered first), so a run may resume with or without
/// sharding and with another number of ranks. The shard is float32 whatever <see cref="TrainingOptions.MasterWeights"/>
/// says, and a parameter without a gradient is updated as one with a zero gradient. Modules a plugin adds after the
/// first update train unsharded beside it.
/// </summary>
public sealed partial class TrainingContext
{
    private ShardLayout? _layout;
    private Parameter? _shard;
    private Dictionary<string, Tensor>? _gathered;

    private bool Sharded => _options.ShardOptimizer && _communicator.WorldSize > 1;

    private optim.Optimizer CreateShardedOptimizer()
    {
        var parameters = Trainable().ToList();
        _layout = new ShardLayout(parameters, _communicator.WorldSize, _communicator.Rank);
        var device = parameters.Count > 0 ? parameters[0].device : _communicator.Device;
        using (no_grad())
        {
            using var full = _layout.Flatten(parameters.Select(p => (Tensor?)p.detach()), device);
            _shard = new Parameter(full.narrow(0, _layout.Start, _layout.ShardSize).clone().DetachFromDisposeScope(), requires_grad: true);
        }
        return optim.AdamW([_shard], _options.LearningRate, _options.Beta1, _options.Beta2, weight_decay: _options.WeightDecay);
    }

    private OptimizerStepResult ShardedStep(optim.Optimizer optimizer, double lr)
    {
        var layout = _layout!;
        var shard = _shard!;
        var extras = Optimized().Where(p => !layout.Parameters.Any(q => q.Handle == p.Handle)).ToList();
        double norm;
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            _nonFiniteLoss = _communicator.AllReduceValues([_nonFiniteLoss ? 1 : 0], ReduceOp.Max)[0] > 0;
            if (extras.Count > 0) ReduceGradients(extras);
            var flat = layout.Flatten(layout.Parameters.Select(p => p.grad is { } g ? (Tensor?)g.to(float32) : null), shard.device);
            var grad = zeros(layout.ShardSize, float32, shard.device);
            _communicator.ReduceScatter(flat, grad, ReduceOp.Average);
            flat.Dispose();
            double squares = _communicator.AllReduceValues([grad.to(float64).square().sum().ToDouble()])[0]
                + extras.Where(p => p.grad is not null).Sum(p => p.grad!.to(float64).square().sum().ToDouble());
            norm = Math.Sqrt(squares);
            if (_options.MaxGradNorm > 0 && double.IsFinite(norm) && norm > _options.MaxGradNorm)
            {
                double scale = _options.MaxGradNorm / (norm + 1e-6);
                grad.mul_(scale);
                foreach (var p in extras) p.grad?.mul_(scale);
            }
            shard.grad = grad.DetachFromDisposeScope();
        }
        bool finite = !_nonFiniteLoss && double.IsFinite(norm);
        if (finite)
        {
            foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
            optimizer.step();
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var full = zeros(layout.ShardSize * layout.Ranks, float32, shard.device);
            _communicator.AllGather(shard.detach(), full);
            for (int i = 0; i < layout.Parameters.Count; i++) layout.Parameters[i].copy_(layout.Slice(full, i));
        }
        optimizer.zero_grad();
        foreach (var p in layout.Parameters) p.grad?.zero_();
        return CompleteStep(finite, norm, lr);
    }

    /// <summary>
    /// Brings the sharded state together before a checkpoint: every rank calls it (a collective); rank 0's
    /// <see cref="SaveState"/> then writes the whole. A no-op unsharded.
    /// </summary>
    public void GatherState()
    {
        if (_layout is null || _shard is null || _optimizer is null) return;
        DisposeGathered();
        var state = ShardState();
        _gathered = new Dictionary<string, Tensor>(StringComparer.Ordinal)
        {
            ["master"] = Gather(_shard),
            ["exp_avg"] = Gather(state.exp_avg),
            ["exp_avg_sq"] = Gather(state.exp_avg_sq),
            ["step"] = tensor(state.step),
        };
    }

    private Tensor Gather(Tensor shard)
    {
        var full = zeros(_layout!.ShardSize * _layout.Ranks, float32, shard.device).DetachFromDisposeScope();
        using (no_grad()) _communicator.AllGather(shard.detach().contiguous(), full);
        if (full.device.type == DeviceType.CPU) return full;
        using (full) return full.cpu().DetachFromDisposeScope();
    }

    /// <summary>Elements of AdamW's first-moment tensors this rank holds (the optimizer state falls as 1/N under ZeRO-1).</summary>
    public long OptimizerStateElements => _optimizer is null ? 0 : OptimizerStatesOf().Sum(s => s.State.exp_avg.numel());

    private AdamW.State ShardState() => OptimizerStatesOf().First(s => s.Parameter.Handle == _shard!.Handle).State;

    /// <summary>The gathered shards as an unsharded run's per-parameter tensors (<see cref="SaveState"/>).</summary>
    private IEnumerable<(string, Tensor)> GatheredTensors(Dictionary<IntPtr, string> keys)
    {
        if (_layout is null) yield break;
        if (_gathered is null) throw new InvalidOperationException("GatherState must run on every rank before a sharded state is saved");
        for (int i = 0; i < _layout.Parameters.Count; i++)
        {
            var p = _layout.Parameters[i];
            string key = keys[p.Handle];
            if (_options.MasterWeights && p.dtype != ScalarType.Float32) yield return ($"master/{key}", _layout.Slice(_gathered["master"], i));
            yield return ($"adamw/{key}/step", _gathered["step"].clone());
            yield return ($"adamw/{key}/exp_avg", _layout.Slice(_gathered["exp_avg"], i));
            yield return ($"adamw/{key}/exp_avg_sq", _layout.Slice(_gathered["exp_avg_sq"], i));
        }
    }

    /// <summary>Loads this rank's shard of a saved per-parameter state (consuming its tensors from <paramref name="saved"/>).</summary>
    private void LoadShard(Dictionary<string, Tensor> saved, Dictionary<IntPtr, string> keys)
    {
        var layout = _layout!;
        var device = _shard!.device;
        var master = new List<Tensor?>();
        var average = new List<Tensor?>();
        var squares = new List<Tensor?>();
        long step = 0;
        try
        {
            foreach (var p in layout.Parameters)
            {
                string key = keys[p.Handle];
                master.Add(saved.Remove($"master/{key}", out var m) ? m : p.detach().to(float32));
                step = (long)Scalar(saved, $"adamw/{key}/step");
                average.Add(Take(saved, $"adamw/{key}/exp_avg", p));
                squares.Add(Take(saved, $"adamw/{key}/exp_avg_sq", p));
            }
            var state = ShardState();
            using var noGrad = no_grad();
            foreach (var (values, target) in new[] { (master, (Tensor)_shard), (average, state.exp_avg), (squares, state.exp_avg_sq) })
            {
                using var full = layout.Flatten(values, device);
                target.copy_(full.narrow(0, layout.Start, layout.ShardSize));
            }
            state.step = step;
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
        foreach (var t in _gathered?.Values.ToList() ?? []) t.Dispose();
        _gathered = null;
    }
}
