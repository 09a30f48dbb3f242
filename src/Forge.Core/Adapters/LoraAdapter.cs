using Forge.Core.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Forge.Core.Adapters;

/// <summary>
/// A LoRA adapter on a <see cref="DecoderModel"/>: one <see cref="LoraLayer"/> per projection that has a targeted part,
/// attached to the model's projections (<see cref="Projection.Attach"/>) while this adapter lives, so the model runs
/// with the update without changing. <see cref="Enabled"/> off (or a <see cref="Disable"/> scope) runs the bare base —
/// GRPO's reference without a second copy of the weights. Tensors are named as PEFT saves them
/// (<see cref="PeftNames"/>).
/// </summary>
public sealed class LoraAdapter : nn.Module
{
    /// <summary>The branches (registered as <c>layers</c>).</summary>
    private readonly ModuleList<LoraLayer> layers;
    private readonly List<(string Prefix, LoraLayer Layer)> _named = [];
    private readonly Func<DecoderModel> _model; // not a module field: the base must not become the adapter's child
    private bool _attached;

    /// <summary>A new adapter on <paramref name="model"/> shaped by <paramref name="spec"/>; <paramref name="initialize"/>
    /// draws A (Kaiming-uniform from <paramref name="generator"/>, a CPU generator, else torch's default one) and zeroes B,
    /// otherwise both are to be filled by a loader.</summary>
    public LoraAdapter(DecoderModel model, LoraSpec spec, bool initialize = true, Generator? generator = null) : base(nameof(LoraAdapter))
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(spec);
        Spec = spec;
        _model = () => model;
        var c = model.Config;
        long q = (long)c.NumAttentionHeads * c.HeadDim, kv = (long)c.NumKeyValueHeads * c.HeadDim, hidden = c.HiddenSize, inter = c.IntermediateSize;
        var branches = new List<LoraLayer>();
        for (int i = 0; i < c.NumHiddenLayers; i++)
        {
            var block = model.layers[i];
            string p = $"model.layers.{i}.";
            Add(p + "self_attn.", block.attention.qkv, [new("q_proj", 0, q), new("k_proj", q, kv), new("v_proj", q + kv, kv)]);
            Add(p + "self_attn.", block.attention.output, [new("o_proj", 0, hidden)]);
            Add(p + "mlp.", block.mlp.gate_up, [new("gate_proj", 0, inter), new("up_proj", inter, inter)]);
            Add(p + "mlp.", block.mlp.down, [new("down_proj", 0, hidden)]);
        }
        layers = nn.ModuleList(branches.ToArray());
        RegisterComponents();
        Attach();

        void Add(string prefix, Linear linear, ProjectionPart[] parts)
        {
            if (!parts.Any(part => spec.TargetModules.Contains(part.Module))) return;
            var layer = new LoraLayer(() => Enabled, linear, parts, spec, initialize, generator);
            branches.Add(layer);
            _named.Add((prefix, layer));
        }
    }

    /// <summary>Rank, α, dropout and targets.</summary>
    public LoraSpec Spec { get; }

    /// <summary>The model adapted.</summary>
    public DecoderModel Model => _model();

    /// <summary>Whether the update applies (off: the model computes its bare base).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The branches, one per adapted projection.</summary>
    public IReadOnlyList<LoraLayer> Layers => _named.Select(n => n.Layer).ToList();

    /// <summary>Runs the bare base until the returned scope is disposed.</summary>
    public IDisposable Disable()
    {
        bool was = Enabled;
        Enabled = false;
        return new Restore(() => Enabled = was);
    }

    /// <summary>
    /// Every adapter tensor under the name PEFT saves it with, e.g.
    /// <c>base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight</c> (A [r, in], B [out, r]).
    /// </summary>
    public IEnumerable<(string Name, Parameter Tensor)> PeftNames()
    {
        foreach (var (prefix, layer) in _named)
            foreach (var (part, a, b) in layer.Pairs)
            {
                yield return ($"base_model.model.{prefix}{part.Module}.lora_A.weight", a);
                yield return ($"base_model.model.{prefix}{part.Module}.lora_B.weight", b);
            }
    }

    /// <summary>Adds the update to the base weights for good and detaches the adapter: the model then runs alone.</summary>
    public void Merge()
    {
        using var noGrad = no_grad();
        foreach (var layer in Layers)
        {
            using var delta = layer.Delta();
            var weight = layer.Layer.weight!;
            weight.copy_((weight.to(ScalarType.Float32) + delta).to(weight.dtype));
        }
        Detach();
    }

    private void Attach()
    {
        foreach (var layer in Layers) Projection.Attach(layer.Layer, layer);
        _attached = true;
    }

    private void Detach()
    {
        if (!_attached) return;
        foreach (var layer in Layers) Projection.Detach(layer.Layer);
        _attached = false;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) Detach();
        base.Dispose(disposing);
    }

    private sealed class Restore(Action restore) : IDisposable
    {
        private Action? _restore = restore;

        public void Dispose()
        {
            _restore?.Invoke();
            _restore = null;
        }
    }
}
