namespace Forge.Contracts.Models;

/// <summary>Per-layer attention keys and values kept between decoding steps. Dispose to free its memory.</summary>
public interface IKeyValueCache : IDisposable
{
    /// <summary>Positions already held (the same for every row of the batch; padding counts).</summary>
    int Length { get; }

    /// <summary>Keeps only the given batch rows (e.g. unfinished sequences), in that order.</summary>
    void Select(TorchSharp.torch.Tensor rowIndices);
}
