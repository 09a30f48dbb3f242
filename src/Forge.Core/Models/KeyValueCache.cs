using Forge.Contracts.Models;
using static TorchSharp.torch;

namespace Forge.Core.Models;

/// <summary>
/// Preallocated keys and values of every layer ([rows, kvHeads, capacity, headDim]), the key padding mask and each
/// row's next position. Decoding writes into the buffers in place, so a step allocates nothing per layer, and the
/// buffers never move: <see cref="Select"/> gathers the kept rows to the front and the cache goes on with a view of
/// those rows. With <see cref="FixedLength"/> attention reads the whole capacity (unwritten positions masked) and a
/// one-token step writes at a device-side <see cref="Slot"/>, so every decoding step of a batch has the same shapes
/// and the same device work (<see cref="ICapturableCache"/>).
/// </summary>
public sealed class KeyValueCache : ICapturableCache
{
    private readonly Tensor[] _keyBuffers, _valueBuffers;
    private readonly Tensor _maskBuffer, _positionBuffer;
    private Tensor[] _keys, _values;

    /// <summary>An empty cache.</summary>
    public KeyValueCache(ModelConfig config, int batchSize, int capacity, Device device, ScalarType dtype, bool fixedLength = false)
    {
        Capacity = capacity;
        FixedLength = fixedLength;
        RowCapacity = batchSize;
        _keyBuffers = new Tensor[config.NumHiddenLayers];
        _valueBuffers = new Tensor[config.NumHiddenLayers];
        for (int i = 0; i < config.NumHiddenLayers; i++)
        {
            _keyBuffers[i] = zeros([batchSize, config.NumKeyValueHeads, capacity, config.HeadDim], dtype, device).DetachFromDisposeScope();
            _valueBuffers[i] = zeros([batchSize, config.NumKeyValueHeads, capacity, config.HeadDim], dtype, device).DetachFromDisposeScope();
        }
        _maskBuffer = zeros([batchSize, capacity], ScalarType.Bool, device).DetachFromDisposeScope();
        _positionBuffer = zeros([batchSize], ScalarType.Int64, device).DetachFromDisposeScope();
        Slot = zeros([1], ScalarType.Int64, device).DetachFromDisposeScope();
        _keys = (Tensor[])_keyBuffers.Clone();
        _values = (Tensor[])_valueBuffers.Clone();
        KeyMask = _maskBuffer;
        NextPosition = _positionBuffer;
        Rows = batchSize;
    }

    /// <inheritdoc />
    public int Length { get; private set; }

    /// <summary>Positions the buffers can hold.</summary>
    public int Capacity { get; }

    /// <inheritdoc />
    public int RowCapacity { get; }

    /// <inheritdoc />
    public int Rows { get; private set; }

    /// <summary>
    /// True when attention reads all <see cref="Capacity"/> positions, masking those not written yet, instead of the
    /// <see cref="Length"/> written so far: the shapes of a decoding step then do not change from step to step, which
    /// matters on CUDA, where attention kernels are planned per shape (a new shape costs tens of milliseconds).
    /// </summary>
    public bool FixedLength { get; }

    /// <summary>The key positions attention reads after <paramref name="time"/> more positions are written.</summary>
    public long KeysAfter(long time) => FixedLength ? Capacity : Length + time;

    /// <summary>[rows, capacity] true where a real (not padding) key is stored.</summary>
    public Tensor KeyMask { get; private set; }

    /// <summary>[rows] position id the next real token of each row gets.</summary>
    public Tensor NextPosition { get; private set; }

    /// <summary>
    /// [1] the position the next token is written at, on the device: a one-token step of a fixed-length cache reads it
    /// there rather than from <see cref="Length"/>, which a replayed capture of the step does not advance.
    /// </summary>
    public Tensor Slot { get; }

    /// <summary>True once any row had padding: attention then needs an explicit mask.</summary>
    public bool HasPadding { get; internal set; }

    /// <summary>True when a step of <paramref name="time"/> new tokens without a padding mask writes at <see cref="Slot"/>.</summary>
    public bool WritesAtSlot(long time, bool masked) => FixedLength && time == 1 && !masked && Length > 0;

    /// <summary>Stores the new keys and values of <paramref name="layer"/> and returns all of them so far.</summary>
    public (Tensor Keys, Tensor Values) Append(int layer, Tensor keys, Tensor values)
    {
        long length = keys.size(2);
        if (WritesAtSlot(length, masked: false))
        {
            _keys[layer].index_copy_(2, Slot, keys);
            _values[layer].index_copy_(2, Slot, values);
            return (_keys[layer], _values[layer]);
        }
        if (Length + length > Capacity) throw new InvalidOperationException($"KV cache capacity {Capacity} exceeded");
        _keys[layer].narrow(2, Length, length).copy_(keys);
        _values[layer].narrow(2, Length, length).copy_(values);
        long readable = KeysAfter(length);
        return (_keys[layer].narrow(2, 0, readable), _values[layer].narrow(2, 0, readable));
    }

    /// <summary>Marks <paramref name="length"/> positions as written (after every layer has appended).</summary>
    /// <summary>The layer's whole key and value tensors <c>[rows, kvHeads, capacity, dim]</c> (a fused kernel writes into them).</summary>
    public (Tensor Keys, Tensor Values) Layer(int layer) => (_keys[layer], _values[layer]);

    public void Advance(int length)
    {
        Length += length;
        if (FixedLength) Slot.add_(length);
    }

    /// <inheritdoc />
    public void Select(Tensor rowIndices)
    {
        using var scope = NewDisposeScope();
        int rows = (int)rowIndices.size(0);
        if (rows > RowCapacity) throw new ArgumentException($"{rows} rows selected from a cache of {RowCapacity}", nameof(rowIndices));
        for (int i = 0; i < _keys.Length; i++)
        {
            _keys[i] = Gather(_keyBuffers[i], _keys[i], rowIndices, rows);
            _values[i] = Gather(_valueBuffers[i], _values[i], rowIndices, rows);
        }
        KeyMask = Gather(_maskBuffer, KeyMask, rowIndices, rows);
        NextPosition = Gather(_positionBuffer, NextPosition, rowIndices, rows);
        Rows = rows;
    }

    /// <inheritdoc />
    public void Reset(int rows)
    {
        if (rows < 1 || rows > RowCapacity) throw new ArgumentOutOfRangeException(nameof(rows), $"{rows} rows in a cache of {RowCapacity}");
        _maskBuffer.zero_();
        _positionBuffer.zero_();
        Slot.zero_();
        Length = 0;
        HasPadding = false;
        for (int i = 0; i < _keys.Length; i++)
        {
            _keys[i] = View(_keyBuffers[i], _keys[i], rows);
            _values[i] = View(_valueBuffers[i], _values[i], rows);
        }
        KeyMask = View(_maskBuffer, KeyMask, rows);
        NextPosition = View(_positionBuffer, NextPosition, rows);
        Rows = rows;
    }

    /// <summary>The first <paramref name="rows"/> rows of <paramref name="buffer"/> after copying the selected rows of <paramref name="current"/> there.</summary>
    private static Tensor Gather(Tensor buffer, Tensor current, Tensor rowIndices, int rows)
    {
        var gathered = current.index_select(0, rowIndices);
        var view = View(buffer, current, rows);
        view.copy_(gathered);
        return view;
    }

    private static Tensor View(Tensor buffer, Tensor current, int rows)
    {
        var view = buffer.narrow(0, 0, rows).DetachFromDisposeScope();
        if (!ReferenceEquals(current, buffer)) current.Dispose();
        return view;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in _keys.Concat(_values).Concat([KeyMask, NextPosition]))
            t.Dispose();
        foreach (var t in _keyBuffers.Concat(_valueBuffers).Concat([_maskBuffer, _positionBuffer, Slot]))
            if (!t.IsInvalid) t.Dispose();
    }
}
