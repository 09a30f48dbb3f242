using static TorchSharp.torch;

namespace Forge.Core.Devices;

/// <summary>
/// A tensor's sizes read one dimension at a time. TorchSharp's <c>Tensor.shape</c> returns its array through a pinned
/// buffer it leaves to the finalizer: one finalizable object and one pinned handle per call, and training calls it in
/// every layer's forward. A 0.5B GRPO run on an H200 piled up ~80,000 of them over six steps, and the generation-0
/// collection that met them stopped every thread for 165 ms. <c>size(dim)</c> and <c>dim()</c> leave nothing behind.
/// </summary>
public static class TensorShape
{
    /// <summary>The sizes of <paramref name="tensor"/>, as <c>shape</c> gives them.</summary>
    public static long[] Of(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var sizes = new long[tensor.dim()];
        for (int i = 0; i < sizes.Length; i++) sizes[i] = tensor.size(i);
        return sizes;
    }

    /// <summary>Whether <paramref name="a"/> and <paramref name="b"/> have the same sizes.</summary>
    public static bool Same(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.dim() != b.dim()) return false;
        for (int i = 0; i < a.dim(); i++)
            if (a.size(i) != b.size(i)) return false;
        return true;
    }
}
