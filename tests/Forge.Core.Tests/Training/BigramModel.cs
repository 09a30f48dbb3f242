using Forge.Contracts.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Forge.Core.Tests.Training;

/// <summary>A minimal ILanguageModel (embedding → linear) for testing training machinery without a transformer.</summary>
internal sealed class BigramModel : nn.Module<Tensor, Tensor>, ILanguageModel
{
    private readonly Embedding _embedding;
    private readonly Linear _head;

    public BigramModel(int vocab, int hidden, long seed) : base(nameof(BigramModel))
    {
        using (var _ = NewDisposeScope())
        {
            manual_seed(seed);
        }
        _embedding = nn.Embedding(vocab, hidden);
        _head = nn.Linear(hidden, vocab, hasBias: false);
        RegisterComponents();
        VocabSize = vocab;
    }

    public int VocabSize { get; }

    public Device Device => CPU;

    public ScalarType DType => ScalarType.Float32;

    public nn.Module Module => this;

    public Tensor Hidden(Tensor inputIds, Tensor? attentionMask = null, IKeyValueCache? cache = null) => _embedding.forward(inputIds);

    public Tensor Logits(Tensor hidden) => _head.forward(hidden);

    public override Tensor forward(Tensor input) => Logits(Hidden(input));

    public IKeyValueCache CreateCache(int batchSize, int capacity) => throw new NotSupportedException("a bigram model keeps no cache");

    public ILanguageModel Clone(bool frozen)
    {
        var copy = new BigramModel(VocabSize, (int)_embedding.weight!.shape[1], 0);
        copy.load_state_dict(state_dict());
        if (frozen) foreach (var p in copy.parameters()) p.requires_grad = false;
        return copy;
    }

    public void Save(string directory) => throw new NotSupportedException();
}
