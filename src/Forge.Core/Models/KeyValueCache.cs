using Forge.Contracts.Models;
using static TorchSharp.torch;

namespace Forge.Core.Models;

/// <summary>
/// Preallocated keys and values of every layer ([B, kvHeads, capacity, headDim]), the key padding mask and each row's
/// next position. Decoding writes into the buffers in place, so a step allocates nothing per layer. With
/// <see cref="FixedLength"/> attention reads the whole capacity (unwritten positions masked), so every decoding step
/// of a batch has the same shapes.
/// </summary>
public sealed class KeyValueCache : IKeyValueCache
{
    private Tensor[] _keys;
    private Tensor[] _values;

    /// <summary>An empty cache.</summary>
    public KeyValueCache(ModelConfig config, int batchSize, int capacity, Device device, ScalarType dtype, bool fixedLength = false)
    {
        Capacity = capacity;
        FixedLength = fixedLength;
        _keys = new Tensor[config.NumHiddenLayers];
        _values = new Tensor[config.NumHiddenLayers];
        for (int i = 0; i < config.NumHiddenLayers; i++)
        {
            _keys[i] = zeros([batchSize, config.NumKeyValueHeads, capacity, config.HeadDim], dtype, device).DetachFromDisposeScope();
            _values[i] = zeros([batchSize, config.NumKeyValueHeads, capacity, config.HeadDim], dtype, device).DetachFromDisposeScope();
        }
        KeyMask = zeros([batchSize, capacity], ScalarType.Bool, device).DetachFromDisposeScope();
        NextPosition = zeros([batchSize], ScalarType.Int64, device).DetachFromDisposeScope();
    }

    /// <inheritdoc />
    public int Length { get; private set; }

    /// <summary>Positions the buffers can hold.</summary>
    public int Capacity { get; }

    /// <summary>
    /// True when attention reads all <see cref="Capacity"/> positions, masking those not written yet, instead of the
    /// <see cref="Length"/> written so far: the shapes of a decoding step then do not change from step to step, which
    /// matters on CUDA, where attention kernels are planned per shape (a new shape costs tens of milliseconds).
    /// </summary>
    public bool FixedLength { get; }

    /// <summary>The key positions attention reads after <paramref name="time"/> more positions are written.</summary>
    public long KeysAfter(long time) => FixedLength ? Capacity : Length + time;

    /// <summary>[B, capacity] true where a real (not padding) key is stored.</summary>
    public Tensor KeyMask { get; private set; }

    /// <summary>[B] position id the next real token of each row gets.</summary>
    public Tensor NextPosition { get; private set; }

    /// <summary>True once any row had padding: attention then needs an explicit mask.</summary>
    public bool HasPadding { get; internal set; }

    /// <summary>Stores the new keys and values of <paramref name="layer"/> and returns all of them so far.</summary>
    public (Tensor Keys, Tensor Values) Append(int layer, Tensor keys, Tensor values)
    {
        long length = keys.shape[2];
        if (Length + length > Capacity) throw new InvalidOperationException($"KV cache capacity {Capacity} exceeded");
        _keys[layer].narrow(2, Length, length).copy_(keys);
        _values[layer].narrow(2, Length, length).copy_(values);
        long readable = KeysAfter(length);
        return (_keys[layer].narrow(2, 0, readable), _values[layer].narrow(2, 0, readable));
    }

    /// <summary>Marks <paramref name="length"/> positions as written (after every layer has appended).</summary>
    public void Advance(int length) => Length += length;

    /// <inheritdoc />
    public void Select(Tensor rowIndices)
    {
        for (int i = 0; i < _keys.Length; i++)
        {
            _keys[i] = Replace(_keys[i], _keys[i].index_select(0, rowIndices));
            _values[i] = Replace(_values[i], _values[i].index_select(0, rowIndices));
        }
        KeyMask = Replace(KeyMask, KeyMask.index_select(0, rowIndices));
        NextPosition = Replace(NextPosition, NextPosition.index_select(0, rowIndices));
    }

    private static Tensor Replace(Tensor old, Tensor replacement)
    {
        old.Dispose();
        return replacement.DetachFromDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in _keys.Concat(_values)) t.Dispose();
        KeyMask.Dispose();
        NextPosition.Dispose();
    }
}
