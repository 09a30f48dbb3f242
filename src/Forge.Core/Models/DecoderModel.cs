using Forge.Contracts.Models;
using Forge.Core.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Forge.Core.Models;

/// <summary>
/// A decoder-only transformer covering Qwen2, Qwen3, Llama and Mistral: token embedding, <see cref="DecoderLayer"/>s, a final
/// <see cref="RmsNorm"/> and the LM head (tied to the embedding or not).
/// </summary>
public sealed class DecoderModel : nn.Module, ILanguageModel
{
    private readonly RotaryEmbedding _rotary;

    /// <summary>embed_tokens.</summary>
    public Embedding embedding;

    /// <summary>layers.</summary>
    public ModuleList<DecoderLayer> layers;

    /// <summary>norm.</summary>
    public RmsNorm norm;

    /// <summary>lm_head; null when tied to <see cref="embedding"/>.</summary>
    public Linear? head;

    /// <summary>A model of shape <paramref name="config"/> with Hugging Face's initialisation (normal 0.02).</summary>
    public DecoderModel(ModelConfig config, Device device, ScalarType dtype) : this(config, device, dtype, initialize: true)
    {
    }

    /// <summary>
    /// A model built directly on <paramref name="device"/> in <paramref name="dtype"/>; without
    /// <paramref name="initialize"/> its weights are uninitialised memory, for a caller that fills every parameter
    /// (checkpoint loading, cloning).
    /// </summary>
    public DecoderModel(ModelConfig config, Device device, ScalarType dtype, bool initialize) : base(nameof(DecoderModel))
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config;
        embedding = nn.Embedding(config.VocabSize, config.HiddenSize, device: device, dtype: dtype);
        layers = nn.ModuleList(Enumerable.Range(0, config.NumHiddenLayers).Select(i => new DecoderLayer(config, i, device, dtype, initialize)).ToArray());
        norm = new RmsNorm(config.HiddenSize, config.RmsNormEps, device, dtype);
        head = config.TieWordEmbeddings ? null : Projection.Create(config.HiddenSize, config.VocabSize, false, device, dtype, initialize);
        RegisterComponents();
        if (initialize) Initialize();
        // A model outlives whatever dispose scope it was built in (e.g. a reference created lazily during a step).
        foreach (var parameter in parameters()) parameter.DetachFromDisposeScope();
        Device = device;
        DType = dtype;
        FixedShapeDecoding = device.type == DeviceType.CUDA;
        _rotary = new RotaryEmbedding(config.HeadDim, config.RopeTheta, config.RopeScaling, device);
    }

    /// <summary>The shape.</summary>
    public ModelConfig Config { get; }

    /// <inheritdoc />
    public int VocabSize => Config.VocabSize;

    /// <inheritdoc />
    public int MaxPositions => Config.MaxPositionEmbeddings;

    /// <inheritdoc />
    public Device Device { get; }

    /// <inheritdoc />
    public ScalarType DType { get; }

    /// <inheritdoc />
    public nn.Module Module => this;

    /// <inheritdoc />
    public Tensor Hidden(Tensor inputIds, Tensor? attentionMask = null, IKeyValueCache? cache = null)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        using var scope = NewDisposeScope();
        long time = inputIds.size(1);
        var kv = cache as KeyValueCache;
        if (cache is not null && kv is null) throw new ArgumentException("the cache was not created by this model", nameof(cache));

        Tensor positions;
        Tensor? attention = null;
        bool causal = true, atSlot = false;
        if (kv is null)
        {
            positions = AttentionMask.Positions(attentionMask ?? ones_like(inputIds));
            if (attentionMask is not null) attention = AttentionMask.Build(attentionMask, 0, time);
        }
        else if (attentionMask is null && kv.WritesAtSlot(time, masked: false))
        {
            // One token into a fixed-length cache: everything position-dependent comes from device tensors (the write
            // slot, each row's next position, the key mask), so the step's device work is the same on every step and
            // can be captured once and replayed. Keys beyond the slot were never written, so the key mask alone is
            // the causal mask; it goes to attention as additive biases (0 or −∞), made once here rather than from a
            // boolean mask in every layer, as scaled_dot_product_attention would.
            atSlot = true;
            positions = kv.NextPosition.unsqueeze(1).clone();
            kv.KeyMask.index_fill_(1, kv.Slot, true);
            kv.NextPosition.add_(1);
            var masked = kv.KeyMask.logical_not().unsqueeze(1).unsqueeze(1);
            attention = zeros_like(masked, DType).masked_fill_(masked, double.NegativeInfinity);
        }
        else if (attentionMask is null)
        {
            // Decoding: every new token is real, so positions continue from each row's count and no mask is
            // rebuilt unless some row had padding.
            long past = kv.Length;
            positions = kv.NextPosition.unsqueeze(1) + arange(time, ScalarType.Int64, inputIds.device);
            kv.KeyMask.narrow(1, past, time).fill_(true);
            kv.NextPosition.add_(time);
            if (kv.HasPadding || kv.FixedLength || (past > 0 && time > 1)) attention = AttentionMask.Build(kv.KeyMask.narrow(1, 0, kv.KeysAfter(time)), past, time);
            else causal = past == 0;
        }
        else
        {
            long past = kv.Length;
            kv.KeyMask.narrow(1, past, time).copy_(attentionMask.to(ScalarType.Bool));
            positions = AttentionMask.Positions(attentionMask, kv.NextPosition);
            kv.NextPosition.add_(attentionMask.to(ScalarType.Int64).sum(1));
            if (past == 0) kv.HasPadding = true;
            attention = AttentionMask.Build(kv.KeyMask.narrow(1, 0, kv.KeysAfter(time)), past, time);
        }

        // A step into a fixed-length cache reads every position's rotation from tables made with the cache (positions
        // stay below its capacity); other passes compute theirs.
        var (cos, sin) = (atSlot ? _rotary.Lookup(positions, DType, kv!.Capacity) : null)
            ?? _rotary.Tables(positions, DType);
        var x = embedding.forward(inputIds);
        bool recompute = ActivationCheckpointing && kv is null && training && is_grad_enabled();
        // A frozen embedding (an adapter trains only inside the layers) gives an input without gradients, through which
        // the recomputing function would pass none: the layers' trainable weights need the input to ask for them.
        if (recompute && !x.requires_grad) x = x.detach().requires_grad_(true);
        var kernels = kv is not null && !is_grad_enabled() ? UsableKernels() : null;
        if (kernels is not null)
        {
            var fused = FusedLayers(kernels, x, cos, sin, attention, kv!, causal);
            kv!.Advance((int)time);
            return fused.MoveToOuterDisposeScope();
        }
        foreach (var layer in layers)
            x = recompute ? CheckpointedLayer.Apply(layer, x, cos, sin, attention, causal) : layer.Forward(x, cos, sin, attention, kv, causal);
        kv?.Advance((int)time);
        return norm.forward(x).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The layers as <see cref="Hidden"/> runs them when filling a cache without gradients and <see cref="Kernels"/>
    /// run on this device: each residual addition fused with the normalisation after it, SiLU·up in one kernel, and
    /// (decoding into a fixed-length cache) the rotary embedding fused with the cache write. Returns the final norm.
    /// </summary>
    private Tensor FusedLayers(IDecodeKernels kernels, Tensor x, Tensor cos, Tensor sin, Tensor? mask, KeyValueCache kv, bool causal)
    {
        Tensor residual = x;
        Tensor? delta = null;
        foreach (var layer in layers)
        {
            Tensor nextResidual, nextDelta;
            using (var scope = NewDisposeScope())
            {
                var (sum, normed) = kernels.AddRmsNorm(residual, delta, layer.attention_norm.weight, layer.attention_norm.Eps);
                var attended = layer.attention.Forward(normed, cos, sin, mask, kv, causal, kernels);
                var (sum2, normed2) = kernels.AddRmsNorm(sum, attended, layer.mlp_norm.weight, layer.mlp_norm.Eps);
                nextDelta = layer.mlp.Forward(normed2, kernels).MoveToOuterDisposeScope();
                nextResidual = sum2.MoveToOuterDisposeScope();
            }
            // What the previous layer handed on is spent: free it now rather than at the end of the pass (a prefill's
            // activations for every layer would otherwise live at once).
            if (!ReferenceEquals(residual, x)) residual.Dispose();
            delta?.Dispose();
            (residual, delta) = (nextResidual, nextDelta);
        }
        var (_, final) = kernels.AddRmsNorm(residual, delta, norm.weight, norm.Eps);
        return final;
    }

    private IDecodeKernels? UsableKernels()
    {
        var kernels = Kernels;
        if (kernels is null) return null;
        if (!ReferenceEquals(kernels, _checkedKernels))
        {
            _kernelsUnavailable = kernels.Unavailable(Device);
            _checkedKernels = kernels;
        }
        return _kernelsUnavailable is null ? kernels : null;
    }

    /// <inheritdoc />
    public Tensor Logits(Tensor hidden) =>
        head is not null ? head.forward(hidden) : nn.functional.linear(hidden, embedding.weight!);

    /// <inheritdoc />
    public IKeyValueCache CreateCache(int batchSize, int capacity)
    {
        if (FixedShapeDecoding) _rotary.Prepare(capacity, DType);
        return new KeyValueCache(Config, batchSize, capacity, Device, DType, FixedShapeDecoding);
    }

    /// <summary>
    /// Recompute each layer in backward instead of keeping its activations (<see cref="CheckpointedLayer"/>); applies to
    /// training forward passes with gradients.
    /// </summary>
    public bool ActivationCheckpointing { get; set; }

    /// <summary>
    /// The fused kernels forward passes that fill a cache use (without gradients) when they run on this model's device;
    /// null runs those passes as TorchSharp operations. Defaults to <see cref="DecodeKernels.Installed"/>.
    /// </summary>
    public IDecodeKernels? Kernels { get; set; } = DecodeKernels.Installed;

    private IDecodeKernels? _checkedKernels;
    private string? _kernelsUnavailable;

    /// <summary>
    /// Whether caches of this model attend over their whole capacity (<see cref="KeyValueCache.FixedLength"/>) so that
    /// decoding steps keep their shapes; on by default on CUDA, where a new attention shape costs a kernel plan.
    /// </summary>
    public bool FixedShapeDecoding { get; set; }

    /// <inheritdoc />
    public ILanguageModel Clone(bool frozen)
    {
        var copy = CopyTo(Device);
        if (frozen)
        {
            foreach (var p in copy.parameters()) p.requires_grad = false;
            copy.eval();
        }
        return copy;
    }

    /// <summary>A new model on <paramref name="device"/> (same dtype) holding a copy of these weights.</summary>
    public DecoderModel CopyTo(Device device)
    {
        var copy = new DecoderModel(Config, device, DType, initialize: false) { Kernels = Kernels };
        using (no_grad())
        {
            var source = parameters().ToList();
            var target = copy.parameters().ToList();
            for (int i = 0; i < source.Count; i++) target[i].copy_(source[i]);
        }
        return copy;
    }

    /// <inheritdoc />
    public void Save(string directory) => CheckpointWriter.Save(this, directory);

    private void Initialize()
    {
        using var noGrad = no_grad();
        foreach (var (name, parameter) in named_parameters())
        {
            if (name.EndsWith("norm.weight", StringComparison.Ordinal)) parameter.fill_(1);
            else if (name.EndsWith(".bias", StringComparison.Ordinal)) parameter.zero_();
            else parameter.normal_(0, 0.02);
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) _rotary.Dispose();
        base.Dispose(disposing);
    }
}
