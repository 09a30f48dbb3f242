using static TorchSharp.torch;

namespace Forge.Core.Models;

/// <summary>
/// Fused kernels for the forward passes that fill a key/value cache (prefill and decoding, no gradients): each call
/// replaces a run of small libtorch kernels, which is where a decoding step's time goes (it is launch-bound). The CUDA
/// implementation lives in Forge.Cuda (native code TorchSharp cannot express); without one, or on another device,
/// <see cref="DecoderModel"/> runs the same arithmetic as TorchSharp operations. Results are rounded to the tensors'
/// dtype where those operations round (<see cref="RmsNorm.Apply"/> for the norms), so sampling and training see the same
/// numbers.
/// </summary>
public interface IDecodeKernels
{
    /// <summary>Null when the kernels run on <paramref name="device"/>; otherwise why not, in one line.</summary>
    string? Unavailable(Device device);

    /// <summary>
    /// <c>sum = x + delta</c> (<paramref name="x"/> itself when <paramref name="delta"/> is null) and
    /// <c>normed = weight ⊙ rms_norm(sum)</c> over the last dimension, in one kernel.
    /// </summary>
    (Tensor Sum, Tensor Normed) AddRmsNorm(Tensor x, Tensor? delta, Tensor weight, double eps);

    /// <summary><c>silu(gate) ⊙ up</c> from a fused gate-up projection whose last dimension holds gate then up.</summary>
    Tensor SiluMul(Tensor gateUp);

    /// <summary>
    /// One new token per row: the projected heads <c>[rows, 1, heads + 2·kvHeads, dim]</c> (queries, keys, values), plus
    /// <paramref name="bias"/> (<c>[(heads + 2·kvHeads)·dim]</c>, the projection's, rounded as its own addition would be)
    /// when given — queries and keys RMS-normalised per head when their norm weights are given (Qwen3), then rotated by
    /// <paramref name="cos"/>/<paramref name="sin"/> (<c>[rows, 1, dim]</c>, as <see cref="RotaryEmbedding.Tables"/>
    /// makes them) — keys and values written into the layer's cache tensors <c>[rows, kvHeads, capacity, dim]</c> at
    /// the position held by <paramref name="slot"/> (a device tensor, so the call can be captured into a CUDA graph);
    /// returns the rotated queries <c>[rows, heads, dim]</c>.
    /// </summary>
    Tensor RotateIntoCache(Tensor projected, Tensor? bias, Tensor cos, Tensor sin, Tensor? queryNorm, Tensor? keyNorm, double eps,
        Tensor keys, Tensor values, Tensor slot, int heads, int kvHeads);
}

/// <summary>Where the process's <see cref="IDecodeKernels"/> is installed (by the host's CUDA registration).</summary>
public static class DecodeKernels
{
    /// <summary>Models built after this is set use it by default (<see cref="DecoderModel.Kernels"/>).</summary>
    public static IDecodeKernels? Installed { get; set; }
}
