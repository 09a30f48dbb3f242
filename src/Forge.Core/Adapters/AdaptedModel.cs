using Forge.Contracts.Models;
using Forge.Core.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Forge.Core.Adapters;

/// <summary>
/// A frozen <see cref="DecoderModel"/> with a trainable <see cref="LoraAdapter"/>: the policy a stage with an
/// <c>Adapter</c> trains. Its module holds both (the base's parameters need no gradients, so an optimizer over the
/// trainable parameters sees only the adapter's); <see cref="Save"/> writes the adapter in PEFT's format, naming
/// <see cref="BaseModelPath"/> as its base; <see cref="BaseView"/> is the bare base sharing the same weights.
/// </summary>
public sealed class AdaptedModel : nn.Module, ILanguageModel
{
    /// <summary>The frozen base.</summary>
    public DecoderModel model;

    /// <summary>The trained update.</summary>
    public LoraAdapter adapter;

    private readonly BaseModelView _view;

    /// <summary>Adapts <paramref name="baseModel"/> (frozen here) with <paramref name="loraAdapter"/>, which must be built on it.</summary>
    public AdaptedModel(DecoderModel baseModel, LoraAdapter loraAdapter, string? baseModelPath) : base(nameof(AdaptedModel))
    {
        ArgumentNullException.ThrowIfNull(baseModel);
        ArgumentNullException.ThrowIfNull(loraAdapter);
        if (!ReferenceEquals(loraAdapter.Model, baseModel)) throw new ArgumentException("the adapter was built on another model", nameof(loraAdapter));
        model = baseModel;
        adapter = loraAdapter;
        BaseModelPath = baseModelPath;
        foreach (var parameter in model.parameters()) parameter.requires_grad = false;
        RegisterComponents();
        _view = new BaseModelView(this);
    }

    /// <summary>The base model folder recorded in the saved adapter's config.</summary>
    public string? BaseModelPath { get; }

    /// <summary>
    /// The base alone, through the same weights (the adapter switched off for each call): GRPO's reference and a KL
    /// anchor at no extra memory. Disposing it does nothing.
    /// </summary>
    public ILanguageModel BaseView => _view;

    /// <inheritdoc />
    public int VocabSize => model.VocabSize;

    /// <inheritdoc />
    public int MaxPositions => model.MaxPositions;

    /// <inheritdoc />
    public Device Device => model.Device;

    /// <inheritdoc />
    public ScalarType DType => model.DType;

    /// <inheritdoc />
    public nn.Module Module => this;

    /// <inheritdoc />
    public Tensor Hidden(Tensor inputIds, Tensor? attentionMask = null, IKeyValueCache? cache = null) => model.Hidden(inputIds, attentionMask, cache);

    /// <inheritdoc />
    public Tensor Logits(Tensor hidden) => model.Logits(hidden);

    /// <inheritdoc />
    public IKeyValueCache CreateCache(int batchSize, int capacity) => model.CreateCache(batchSize, capacity);

    /// <summary>A deep copy of the adapted model with the update merged into its weights (a plain <see cref="DecoderModel"/>).</summary>
    public ILanguageModel Clone(bool frozen)
    {
        var copy = Merged();
        if (frozen)
        {
            foreach (var p in copy.parameters()) p.requires_grad = false;
            copy.eval();
        }
        return copy;
    }

    /// <summary>A new model holding base + update (the adapter here stays as it is).</summary>
    public DecoderModel Merged()
    {
        var copy = model.CopyTo(model.Device);
        using var noGrad = no_grad();
        var target = copy.parameters().ToList();
        var source = model.parameters().ToList();
        var index = source.Select((p, i) => (p.Handle, i)).ToDictionary(x => x.Handle, x => x.i);
        foreach (var layer in adapter.Layers)
        {
            using var delta = layer.Delta();
            var weight = target[index[layer.Layer.weight!.Handle]];
            weight.copy_((weight.to(ScalarType.Float32) + delta).to(weight.dtype));
        }
        return copy;
    }

    /// <summary>Writes the adapter (PEFT's adapter_config.json and adapter_model.safetensors) to <paramref name="directory"/>.</summary>
    public void Save(string directory) => PeftAdapterFolder.Save(adapter, directory, BaseModelPath);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            adapter.Dispose();
            model.Dispose();
        }
        base.Dispose(disposing);
    }

    /// <summary>The base of an <see cref="AdaptedModel"/>, run with the adapter off.</summary>
    private sealed class BaseModelView(AdaptedModel owner) : ILanguageModel
    {
        public int VocabSize => owner.model.VocabSize;

        public int MaxPositions => owner.model.MaxPositions;

        public Device Device => owner.model.Device;

        public ScalarType DType => owner.model.DType;

        public nn.Module Module => owner.model;

        public Tensor Hidden(Tensor inputIds, Tensor? attentionMask = null, IKeyValueCache? cache = null)
        {
            using var off = owner.adapter.Disable();
            return owner.model.Hidden(inputIds, attentionMask, cache);
        }

        public Tensor Logits(Tensor hidden) => owner.model.Logits(hidden);

        public IKeyValueCache CreateCache(int batchSize, int capacity) => owner.model.CreateCache(batchSize, capacity);

        public ILanguageModel Clone(bool frozen) => owner.model.Clone(frozen);

        public void Save(string directory) => owner.model.Save(directory);

        public void Dispose()
        {
        }
    }
}
