using Forge.Contracts.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Forge.Testing;

/// <summary>
/// A tiny real causal language model for plugin tests, on the CPU in float32: token embedding, a causal running mean
/// of the embeddings (so a position's output depends on every token before it, as in a transformer), a tanh layer and
/// an LM head. Its gradients are real, so an optimizer's update visibly moves its log-probs. Seeded: the same seed
/// gives the same weights. It keeps no KV cache; a sampler under test needs a real checkpoint instead.
/// </summary>
public sealed class TinyLanguageModel : nn.Module, ILanguageModel
{
    private readonly Embedding _embedding;
    private readonly Linear _mix;
    private readonly Linear _head;
    private readonly int _hidden;

    /// <summary>A model over <paramref name="vocabSize"/> tokens with <paramref name="hidden"/> features, weights drawn from <paramref name="seed"/>.</summary>
    public TinyLanguageModel(int vocabSize = 32, int hidden = 16, long seed = 0) : base(nameof(TinyLanguageModel))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabSize, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(hidden, 1);
        using (var generator = new Generator((ulong)seed))
        using (no_grad())
        {
            _embedding = nn.Embedding(vocabSize, hidden);
            _mix = nn.Linear(hidden, hidden);
            _head = nn.Linear(hidden, vocabSize, hasBias: false);
            foreach (var parameter in new[] { _embedding.weight!, _mix.weight!, _mix.bias!, _head.weight! })
                parameter.copy_(normal(0, 0.5, parameter.shape, generator: generator));
        }
        RegisterComponents();
        VocabSize = vocabSize;
        _hidden = hidden;
    }

    /// <inheritdoc />
    public int VocabSize { get; }

    /// <inheritdoc />
    public Device Device => CPU;

    /// <inheritdoc />
    public ScalarType DType => ScalarType.Float32;

    /// <inheritdoc />
    public nn.Module Module => this;

    /// <inheritdoc />
    public Tensor Hidden(Tensor inputIds, Tensor? attentionMask = null, IKeyValueCache? cache = null)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        if (cache is not null) throw new NotSupportedException("TinyLanguageModel keeps no KV cache");
        using var scope = NewDisposeScope();
        var x = _embedding.forward(inputIds);
        var weights = attentionMask is null ? ones_like(inputIds, ScalarType.Float32) : attentionMask.to(ScalarType.Float32);
        var sums = (x * weights.unsqueeze(-1)).cumsum(1);
        var counts = weights.cumsum(1).clamp_min(1).unsqueeze(-1);
        return tanh(_mix.forward(sums / counts)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public Tensor Logits(Tensor hidden) => _head.forward(hidden);

    /// <inheritdoc />
    public IKeyValueCache CreateCache(int batchSize, int capacity) => throw new NotSupportedException("TinyLanguageModel keeps no KV cache");

    /// <inheritdoc />
    public ILanguageModel Clone(bool frozen)
    {
        var copy = new TinyLanguageModel(VocabSize, _hidden);
        using (no_grad())
        {
            foreach (var (target, source) in copy.parameters().Zip(parameters())) target.copy_(source);
        }
        if (frozen)
        {
            foreach (var parameter in copy.parameters()) parameter.requires_grad = false;
            copy.eval();
        }
        return copy;
    }

    /// <inheritdoc />
    public void Save(string directory) => throw new NotSupportedException("TinyLanguageModel is not saved; it exists for tests");
}
