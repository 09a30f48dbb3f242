using static TorchSharp.torch;

namespace Forge.Core.Models;

/// <summary>
/// Rotary position embedding: cos/sin tables for given positions, and their application to queries and keys
/// (the "rotate half" layout of Hugging Face Llama/Qwen2). Supports Llama-3 frequency scaling.
/// </summary>
public sealed class RotaryEmbedding : IDisposable
{
    private readonly Tensor _inverseFrequencies; // [headDim / 2], float32
    private Tensor? _cosTable, _sinTable;        // [length, headDim] for positions 0 … length − 1 (Prepare)

    /// <summary>Tables for heads of width <paramref name="headDim"/>.</summary>
    public RotaryEmbedding(int headDim, double theta, Llama3RopeScaling? scaling, Device device)
    {
        var exponents = arange(0, headDim, 2, float64) / headDim;
        var inverse = 1.0 / pow(theta, exponents);
        if (scaling is not null) inverse = Llama3(inverse, scaling);
        _inverseFrequencies = inverse.to(float32).to(device).DetachFromDisposeScope();
    }

    /// <summary>
    /// cos and sign-folded sin [B, T, headDim] for positions [B, T], in <paramref name="dtype"/>. The sin table has its
    /// first half negated so that <see cref="Apply"/> can rotate with one roll instead of a negation and a concat.
    /// </summary>
    public (Tensor Cos, Tensor Sin) Tables(Tensor positions, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var angles = positions.to(float32).unsqueeze(-1) * _inverseFrequencies;
        var sin = angles.sin();
        return (cat([angles, angles], -1).cos().to(dtype).MoveToOuterDisposeScope(), cat([-sin, sin], -1).to(dtype).MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Makes (once, outside any captured step) the tables of positions 0 … <paramref name="length"/> − 1 in
    /// <paramref name="dtype"/>, for <see cref="Lookup"/>: a decoding step then gathers its rows (two kernels) instead
    /// of computing them (nine), with the same numbers, since each entry depends only on its position.
    /// </summary>
    public void Prepare(int length, ScalarType dtype)
    {
        if (_cosTable is not null && _cosTable.size(0) >= length && _cosTable.dtype == dtype) return;
        _cosTable?.Dispose();
        _sinTable?.Dispose();
        using var scope = NewDisposeScope();
        var (cos, sin) = Tables(arange(length, ScalarType.Int64, _inverseFrequencies.device).unsqueeze(0), dtype);
        _cosTable = cos.squeeze(0).DetachFromDisposeScope();
        _sinTable = sin.squeeze(0).DetachFromDisposeScope();
    }

    /// <summary>
    /// <see cref="Tables"/> for <paramref name="positions"/> [B, T] read from the prepared tables, when they hold
    /// <paramref name="length"/> positions in <paramref name="dtype"/>; null otherwise. Positions are below the cache's
    /// capacity when decoding; one that is not reads the last row rather than outside the table (a device-side assert
    /// would end the process).
    /// </summary>
    public (Tensor Cos, Tensor Sin)? Lookup(Tensor positions, ScalarType dtype, long length)
    {
        if (_cosTable is null || _sinTable is null || _cosTable.size(0) < length || _cosTable.dtype != dtype) return null;
        long[] shape = [positions.size(0), positions.size(1), _cosTable.size(1)];
        var flat = positions.reshape(-1).clamp_max(_cosTable.size(0) - 1);
        return (_cosTable.index_select(0, flat).view(shape), _sinTable.index_select(0, flat).view(shape));
    }

    /// <summary>
    /// Rotates <paramref name="x"/> [B, T, heads, headDim] by the tables of <see cref="Tables"/>: Hugging Face's
    /// x·cos + rotate_half(x)·sin, where rotate_half(x) = [−x₂, x₁] equals roll(x, D/2) times the sign folded into sin.
    /// Queries and keys are rotated together as one tensor.
    /// </summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = NewDisposeScope();
        return (x * cos.unsqueeze(2) + x.roll(x.size(-1) / 2, -1) * sin.unsqueeze(2)).MoveToOuterDisposeScope();
    }

    /// <summary>Llama 3.1's scaling: long wavelengths slowed by the factor, short ones kept, a smooth blend between.</summary>
    private static Tensor Llama3(Tensor inverse, Llama3RopeScaling s)
    {
        double lowWavelength = s.OriginalMaxPositionEmbeddings / s.LowFreqFactor;
        double highWavelength = s.OriginalMaxPositionEmbeddings / s.HighFreqFactor;
        var wavelength = 2 * Math.PI / inverse;
        var scaled = where(wavelength > lowWavelength, inverse / s.Factor, inverse);
        var smooth = (s.OriginalMaxPositionEmbeddings / wavelength - s.LowFreqFactor) / (s.HighFreqFactor - s.LowFreqFactor);
        var blended = (1 - smooth) * scaled / s.Factor + smooth * scaled;
        var medium = (wavelength >= highWavelength).logical_and(wavelength <= lowWavelength);
        return where(medium, blended, scaled);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _inverseFrequencies.Dispose();
        _cosTable?.Dispose();
        _sinTable?.Dispose();
    }
}
