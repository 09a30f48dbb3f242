using Forge.Core.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Forge.Core.Training;

/// <summary>
/// Saving and restoring everything a training context carries between steps besides the policy's weights: AdamW's
/// moments and per-parameter step counts, the float32 master weights of half-precision models, extra trainable modules
/// (a value head) with their moments, the reference model and the update counters (the learning-rate schedule is a
/// function of <see cref="StepNumber"/>). One safetensors file, tensors named <c>adamw/&lt;key&gt;/exp_avg</c>,
/// <c>master/&lt;key&gt;</c>, <c>weights/&lt;key&gt;</c>, <c>reference/&lt;name&gt;</c>, where a key is
/// <c>policy/&lt;parameter&gt;</c> or <c>extra/&lt;i&gt;/&lt;parameter&gt;</c>.
/// </summary>
public sealed partial class TrainingContext
{
    private const string StepNumberName = "trainer/step_number";
    private const string SkippedName = "trainer/skipped_updates";
    private const string ConsecutiveName = "trainer/consecutive_skips";

    // Extra modules are created by plugins during their first step after a resume, so their saved state waits here
    // (by module index) until AddTrainable sees them.
    private readonly Dictionary<int, Dictionary<string, Tensor>> _pendingExtras = [];
    private string? _restoredFrom;

    /// <summary>The learning rate the next update will use (the schedule's position is the update count).</summary>
    public double NextLearningRate => CurrentLearningRate;

    /// <summary>Writes the training state to <paramref name="path"/> (see the class remarks for the layout).</summary>
    public void SaveState(string path)
    {
        using var scope = NewDisposeScope();
        var tensors = new List<(string, Tensor)>
        {
            (StepNumberName, tensor((long)StepNumber)),
            (SkippedName, tensor((long)SkippedUpdates)),
            (ConsecutiveName, tensor((long)ConsecutiveSkips)),
        };
        var keys = ParameterKeys();
        for (int i = 0; i < _extraModules.Count; i++)
            foreach (var (name, parameter) in _extraModules[i].named_parameters())
                tensors.Add(($"weights/extra/{i}/{name}", parameter));
        foreach (var (index, pending) in _pendingExtras.OrderBy(p => p.Key))
            tensors.AddRange(pending.Select(p => (p.Key, p.Value)));
        foreach (var (weight, master) in _masters) tensors.Add(($"master/{keys[weight.Handle]}", master));
        // An adapter's reference is the frozen base, which the step checkpoint does not need to carry.
        if (_reference is not null && Policy is not Adapters.AdaptedModel)
            foreach (var (name, parameter) in _reference.Module.named_parameters()) tensors.Add(($"reference/{name}", parameter));
        if (_optimizer is not null)
        {
            tensors.AddRange(GatheredTensors(keys));
            foreach (var (parameter, state) in OptimizerStates())
            {
                string prefix = $"adamw/{keys[parameter.Handle]}/";
                tensors.Add((prefix + "step", tensor(state.step)));
                tensors.Add((prefix + "exp_avg", state.exp_avg));
                tensors.Add((prefix + "exp_avg_sq", state.exp_avg_sq));
                if (state.max_exp_avg_sq is not null) tensors.Add((prefix + "max_exp_avg_sq", state.max_exp_avg_sq));
            }
        }
        TensorFile.Write(path, tensors);
        DisposeGathered();
    }

    /// <summary>
    /// Restores a state written by <see cref="SaveState"/> into this fresh context, whose policy already holds the
    /// checkpoint's weights. The optimizer is created at once (before any extra module joins, which then gets a group
    /// of its own; AdamW's update of a parameter does not depend on its group).
    /// </summary>
    public void RestoreState(string path)
    {
        if (_optimizer is not null || _reference is not null || _extraModules.Count > 0)
            throw new InvalidOperationException("training state can only be restored into a fresh context");
        var saved = TensorFile.Read(path);
        _restoredFrom = path;
        try
        {
            StepNumber = (int)Scalar(saved, StepNumberName);
            SkippedUpdates = (int)Scalar(saved, SkippedName);
            ConsecutiveSkips = (int)Scalar(saved, ConsecutiveName);
            using (no_grad())
            {
                if (saved.Keys.Any(k => k.StartsWith("reference/", StringComparison.Ordinal)))
                {
                    _reference = Policy.Clone(frozen: true);
                    foreach (var (name, parameter) in _reference.Module.named_parameters())
                        CopyInto(saved, $"reference/{name}", parameter);
                }
                if (saved.Keys.Any(k => k.StartsWith("adamw/policy/", StringComparison.Ordinal)))
                {
                    _ = Optimizer;
                    var keys = ParameterKeys();
                    foreach (var (weight, master) in _masters) CopyInto(saved, $"master/{keys[weight.Handle]}", master);
                    if (_layout is not null) LoadShard(saved, keys);
                    foreach (var (parameter, state) in OptimizerStates()) LoadMoments(saved, keys[parameter.Handle], state);
                }
            }
            foreach (var group in saved.Where(p => p.Key.StartsWith("weights/extra/", StringComparison.Ordinal) || p.Key.StartsWith("adamw/extra/", StringComparison.Ordinal)
                         || p.Key.StartsWith("master/extra/", StringComparison.Ordinal)).GroupBy(p => ExtraIndex(p.Key)).ToList())
            {
                _pendingExtras[group.Key] = group.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
                foreach (var (key, _) in group) saved.Remove(key);
            }
            if (saved.Count > 0)
                throw new ForgeDataException($"{path}: tensor \"{saved.Keys.First()}\" matches nothing in this training context (the model or optimizer changed since the checkpoint?)");
        }
        finally
        {
            foreach (var tensor in saved.Values) tensor.Dispose();
        }
    }

    /// <summary>Loads a pending extra module's weights, master copies and moments once the plugin has added it.</summary>
    private void RestorePendingExtra(int index)
    {
        if (!_pendingExtras.Remove(index, out var saved)) return;
        try
        {
            using var noGrad = no_grad();
            var module = _extraModules[index];
            foreach (var (name, parameter) in module.named_parameters())
                CopyInto(saved, $"weights/extra/{index}/{name}", parameter);
            if (_optimizer is not null)
            {
                var keys = ParameterKeys();
                var ownHandles = module.parameters().Select(p => p.Handle).ToHashSet();
                foreach (var (weight, master) in _masters.Where(m => ownHandles.Contains(m.Weight.Handle)))
                    CopyInto(saved, $"master/{keys[weight.Handle]}", master);
                // A half-precision module that joins after the optimizer exists trains without a master copy (see
                // AddTrainable); its weights above already hold the rounded master.
                foreach (string late in saved.Keys.Where(k => k.StartsWith($"master/extra/{index}/", StringComparison.Ordinal)).ToList())
                    if (saved.Remove(late, out var dropped)) dropped.Dispose();
                foreach (var (parameter, state) in OptimizerStates())
                    if (keys[parameter.Handle].StartsWith($"extra/{index}/", StringComparison.Ordinal)) LoadMoments(saved, keys[parameter.Handle], state);
            }
            if (saved.Count > 0)
                throw new ForgeDataException($"{_restoredFrom}: tensor \"{saved.Keys.First()}\" matches nothing in extra trainable module {index} (the plugin changed since the checkpoint?)");
        }
        finally
        {
            foreach (var tensor in saved.Values) tensor.Dispose();
        }
    }

    private void LoadMoments(Dictionary<string, Tensor> saved, string key, AdamW.State state)
    {
        string prefix = $"adamw/{key}/";
        state.step = (long)Scalar(saved, prefix + "step");
        CopyInto(saved, prefix + "exp_avg", state.exp_avg);
        CopyInto(saved, prefix + "exp_avg_sq", state.exp_avg_sq);
        if (saved.ContainsKey(prefix + "max_exp_avg_sq"))
        {
            state.max_exp_avg_sq ??= zeros_like(state.exp_avg_sq).DetachFromDisposeScope();
            CopyInto(saved, prefix + "max_exp_avg_sq", state.max_exp_avg_sq);
        }
    }

    /// <summary>Stable names of the optimized parameters: a master copy shares its half-precision weight's key.</summary>
    private Dictionary<IntPtr, string> ParameterKeys()
    {
        var keys = new Dictionary<IntPtr, string>();
        foreach (var (name, parameter) in Policy.Module.named_parameters()) keys[parameter.Handle] = $"policy/{name}";
        for (int i = 0; i < _extraModules.Count; i++)
            foreach (var (name, parameter) in _extraModules[i].named_parameters()) keys[parameter.Handle] = $"extra/{i}/{name}";
        foreach (var (weight, master) in _masters) keys[master.Handle] = keys[weight.Handle];
        return keys;
    }

    /// <summary>Each optimized parameter with its AdamW state, group by group (a ZeRO-1 shard's pieces apart: see <see cref="GatheredTensors"/>).</summary>
    private IEnumerable<(Parameter Parameter, AdamW.State State)> OptimizerStates()
    {
        var pieces = _pieces?.Select(p => p.Handle).ToHashSet() ?? [];
        return OptimizerStatesOf().Where(s => !pieces.Contains(s.Parameter.Handle));
    }

    private IEnumerable<(Parameter Parameter, AdamW.State State)> OptimizerStatesOf()
    {
        var optimizer = (OptimizerHelper)Optimizer;
        var dictionary = optimizer.state_dict();
        int g = 0;
        foreach (var group in optimizer.ParamGroups.Cast<ParamGroup>())
        {
            int p = 0;
            foreach (var parameter in group.Parameters)
                yield return (parameter, (AdamW.State)dictionary.State[dictionary.StateIndexRef[g][p++]]);
            g++;
        }
    }

    /// <summary>Copies a saved tensor into <paramref name="target"/> (converting dtype and device), checking its shape.</summary>
    private void CopyInto(Dictionary<string, Tensor> saved, string name, Tensor target)
    {
        if (!saved.Remove(name, out var value))
            throw new ForgeDataException($"{_restoredFrom}: missing tensor \"{name}\" (the model or optimizer changed since the checkpoint?)");
        using (value)
        {
            if (!value.shape.SequenceEqual(target.shape))
                throw new ForgeDataException($"{_restoredFrom}: tensor \"{name}\" has shape [{string.Join(", ", value.shape)}], this training needs [{string.Join(", ", target.shape)}]");
            target.copy_(value);
        }
    }

    private double Scalar(Dictionary<string, Tensor> saved, string name)
    {
        if (!saved.Remove(name, out var value) || value.NumberOfElements != 1)
            throw new ForgeDataException($"{_restoredFrom}: missing scalar \"{name}\"");
        using (value) return value.ToDouble();
    }

    private static int ExtraIndex(string name)
    {
        // weights/extra/<i>/…, adamw/extra/<i>/…, master/extra/<i>/…
        string[] parts = name.Split('/');
        return parts.Length > 3 && int.TryParse(parts[2], out int index) && index >= 0
            ? index
            : throw new ForgeDataException($"invalid extra-module tensor name \"{name}\"");
    }

    private void DisposePendingState()
    {
        foreach (var tensor in _pendingExtras.Values.SelectMany(p => p.Values)) tensor.Dispose();
        _pendingExtras.Clear();
    }
}
