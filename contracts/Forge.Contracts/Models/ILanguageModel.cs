using static TorchSharp.torch;

namespace Forge.Contracts.Models;

/// <summary>
/// A causal language model (the policy, a reference, a teacher or a student). Forward passes take left-padded
/// batches: <c>attentionMask</c> is 1 for real tokens and 0 for padding.
/// </summary>
public interface ILanguageModel : IDisposable
{
    /// <summary>Size of the output distribution.</summary>
    int VocabSize { get; }

    /// <summary>
    /// The most positions — prompt and completion together — the model was trained for (a Hugging Face config's
    /// <c>max_position_embeddings</c>); <see cref="int.MaxValue"/> when it has no such limit. Samplers stop there.
    /// </summary>
    int MaxPositions => int.MaxValue;

    /// <summary>Where the weights live.</summary>
    Device Device { get; }

    /// <summary>Element type of the weights.</summary>
    ScalarType DType { get; }

    /// <summary>The underlying module: parameters, train/eval mode, state.</summary>
    nn.Module Module { get; }

    /// <summary>
    /// Final hidden states [batch, time, hidden] for <paramref name="inputIds"/> [batch, time]; when a
    /// <paramref name="cache"/> is given, the new keys and values are appended to it and attention covers it.
    /// </summary>
    Tensor Hidden(Tensor inputIds, Tensor? attentionMask = null, IKeyValueCache? cache = null);

    /// <summary>Projects hidden states to vocabulary logits; callers chunk over time to bound memory.</summary>
    Tensor Logits(Tensor hidden);

    /// <summary>An empty cache for <paramref name="batchSize"/> rows and up to <paramref name="capacity"/> positions.</summary>
    IKeyValueCache CreateCache(int batchSize, int capacity);

    /// <summary>A deep copy on the same device; a frozen copy needs no gradients (a reference policy).</summary>
    ILanguageModel Clone(bool frozen);

    /// <summary>Writes a Hugging Face-compatible checkpoint (config.json + safetensors) to <paramref name="directory"/>.</summary>
    void Save(string directory);
}
