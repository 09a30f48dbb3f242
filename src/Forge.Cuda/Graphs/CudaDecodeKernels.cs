using Forge.Contracts.Devices;
using Forge.Core.Devices;
using Forge.Core.Models;
using Forge.Cuda.Nccl;
using TorchSharp;
using static TorchSharp.torch;

namespace Forge.Cuda.Graphs;

/// <summary>
/// The fused decoding kernels of native/forge_decode_kernels.cu (compiled into the CUDA-graph library when the machine
/// has nvcc), launched on libtorch's current stream, so they are captured with the rest of a decoding step. Inputs
/// that are not contiguous are made so first; the arithmetic and its rounding are those of the unfused path. Also the
/// samplers' fused token pick (<see cref="ITokenPicker"/>).
/// </summary>
public sealed class CudaDecodeKernels : IDecodeKernels, ITokenPicker
{
    private static int _told;

    public string? Unavailable(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (device.type != DeviceType.CUDA) return $"the device is {device.type}, not CUDA";
        string? why = Why();
        if (why is not null && Interlocked.Exchange(ref _told, 1) == 0)
            Console.Error.WriteLine($"forge: fused decoding kernels unavailable ({why}); decoding runs libtorch's kernels");
        return why;
    }

    public (Tensor Sum, Tensor Normed) AddRmsNorm(Tensor x, Tensor? delta, Tensor weight, double eps)
    {
        Loaded();
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weight);
        long hidden = x.size(-1);
        Require(weight.numel() == hidden && weight.dtype == x.dtype, "the norm weight does not match the hidden size or dtype");
        if (delta is not null) Require(TensorShape.Same(delta, x) && delta.dtype == x.dtype, "the residual and its addend differ in shape or dtype");
        using var scope = NewDisposeScope();
        var input = x.is_contiguous() ? x : x.contiguous();
        var addend = delta is null || delta.is_contiguous() ? delta : delta.contiguous();
        var w = weight.is_contiguous() ? weight : weight.contiguous();
        var normed = empty_like(input);
        var sum = addend is null ? x : empty_like(input);
        GraphsNative.AddRmsNorm(DeviceIndex(x), DType(x), CudaRuntime.DataPointer(input), addend is null ? IntPtr.Zero : CudaRuntime.DataPointer(addend),
            CudaRuntime.DataPointer(w), addend is null ? IntPtr.Zero : CudaRuntime.DataPointer(sum), CudaRuntime.DataPointer(normed),
            input.numel() / hidden, checked((int)hidden), (float)eps);
        if (!ReferenceEquals(sum, x)) sum.MoveToOuterDisposeScope();
        return (sum, normed.MoveToOuterDisposeScope());
    }

    public Tensor SiluMul(Tensor gateUp)
    {
        Loaded();
        ArgumentNullException.ThrowIfNull(gateUp);
        long width = gateUp.size(-1);
        Require(width % 2 == 0, "the gate-up projection's width is odd");
        using var scope = NewDisposeScope();
        var input = gateUp.is_contiguous() ? gateUp : gateUp.contiguous();
        long[] shape = TensorShape.Of(input);
        shape[^1] = width / 2;
        var output = empty(shape, input.dtype, input.device);
        GraphsNative.SiluMul(DeviceIndex(input), DType(input), CudaRuntime.DataPointer(input), CudaRuntime.DataPointer(output), input.numel() / width, checked((int)(width / 2)));
        return output.MoveToOuterDisposeScope();
    }

    public Tensor RotateIntoCache(Tensor projected, Tensor? bias, Tensor cos, Tensor sin, Tensor? queryNorm, Tensor? keyNorm, double eps,
        Tensor keys, Tensor values, Tensor slot, int heads, int kvHeads)
    {
        Loaded();
        ArgumentNullException.ThrowIfNull(projected);
        long rows = projected.size(0), dim = projected.size(-1);
        Require(projected.numel() == rows * (heads + 2L * kvHeads) * dim, "the projected heads are not [rows, 1, heads + 2·kvHeads, dim]");
        Require(dim % 2 == 0 && cos.numel() == rows * dim && sin.numel() == rows * dim, "the rotary tables are not [rows, 1, dim]");
        Require(keys.dim() == 4 && keys.size(0) == rows && keys.size(1) == kvHeads && keys.size(3) == dim && keys.stride(3) == 1 && keys.stride(2) == dim,
            "the key cache is not [rows, kvHeads, capacity, dim] with contiguous positions");
        Require(TensorShape.Same(values, keys) && values.stride(0) == keys.stride(0) && values.stride(1) == keys.stride(1) && values.stride(2) == dim && values.stride(3) == 1,
            "the value cache is not laid out as the key cache");
        Require(slot.dtype == ScalarType.Int64 && slot.numel() == 1 && slot.device_type == projected.device_type && slot.device_index == projected.device_index, "the slot is not one int64 on the device");
        Require(queryNorm is null == (keyNorm is null), "queries and keys are normalised together or not at all");
        Require(bias is null || bias.numel() == (heads + 2L * kvHeads) * dim, "the projection's bias is not [(heads + 2·kvHeads)·dim]");
        foreach (var t in new[] { bias, cos, sin, keys, values, queryNorm, keyNorm })
            if (t is not null) Require(t.dtype == projected.dtype && t.device_index == projected.device_index, "the bias, rotary tables, caches and norms have the projection's dtype and device");
        using var scope = NewDisposeScope();
        var input = projected.is_contiguous() ? projected : projected.contiguous();
        var c = cos.is_contiguous() ? cos : cos.contiguous();
        var s = sin.is_contiguous() ? sin : sin.contiguous();
        var queries = empty([rows, heads, dim], input.dtype, input.device);
        var b = bias is null || bias.is_contiguous() ? bias : bias.contiguous();
        GraphsNative.RopeCache(DeviceIndex(input), DType(input), CudaRuntime.DataPointer(input), b is null ? IntPtr.Zero : CudaRuntime.DataPointer(b), CudaRuntime.DataPointer(c), CudaRuntime.DataPointer(s),
            queryNorm is null ? IntPtr.Zero : CudaRuntime.DataPointer(queryNorm.contiguous()), keyNorm is null ? IntPtr.Zero : CudaRuntime.DataPointer(keyNorm.contiguous()),
            (float)eps, CudaRuntime.DataPointer(queries), CudaRuntime.DataPointer(keys), CudaRuntime.DataPointer(values), CudaRuntime.DataPointer(slot),
            rows, heads, kvHeads, checked((int)dim), keys.stride(0), keys.stride(1));
        return queries.MoveToOuterDisposeScope();
    }

    public void Pick(Tensor logits, Tensor? uniforms, double temperature, Tensor ids, Tensor output)
    {
        Loaded();
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(output);
        Require(logits.dim() == 2, "the logits are not [rows, vocab]");
        long rows = logits.size(0), vocab = logits.size(1);
        Require(temperature > 0 && double.IsFinite(temperature), "the temperature is not a positive number");
        Require(ids.dtype == ScalarType.Int64 && ids.numel() == rows && ids.is_contiguous(), "the ids are not [rows, 1] int64, contiguous");
        Require(output.dtype == ScalarType.Float32 && output.numel() == rows * 3 && output.is_contiguous(), "the output is not [rows, 3] float32, contiguous");
        if (uniforms is not null)
            Require(uniforms.dtype == ScalarType.Float32 && TensorShape.Same(uniforms, logits) && uniforms.is_contiguous(), "the uniforms are not [rows, vocab] float32, contiguous");
        using var scope = NewDisposeScope();
        var input = logits.is_contiguous() ? logits : logits.contiguous();
        GraphsNative.Pick(DeviceIndex(input), DType(input), CudaRuntime.DataPointer(input), uniforms is null ? IntPtr.Zero : CudaRuntime.DataPointer(uniforms),
            (float)temperature, rows, checked((int)vocab), CudaRuntime.DataPointer(ids), CudaRuntime.DataPointer(output));
    }

    /// <summary>Loads the native library when no <see cref="Unavailable"/> has yet; throws when it cannot run kernels.</summary>
    private static void Loaded()
    {
        if (Why() is { } why) throw new InvalidOperationException($"fused kernels unavailable: {why}");
    }

    /// <summary>Why the kernels cannot run (loading the library first), or null.</summary>
    private static string? Why() =>
        GraphsLibrary.Unavailable ?? (GraphsNative.KernelsAvailable() ? null : $"the native library has {GraphsLibrary.KernelsNote ?? "no fused kernels"}");

    private static int DeviceIndex(Tensor t) => t.device.index < 0 ? 0 : t.device.index;

    private static int DType(Tensor t) => t.dtype switch
    {
        ScalarType.Float32 => 0,
        ScalarType.BFloat16 => 1,
        ScalarType.Float16 => 2,
        _ => throw new ArgumentException($"the fused kernels take float32, bfloat16 or float16, not {t.dtype}"),
    };

    private static void Require(bool condition, string what)
    {
        if (!condition) throw new ArgumentException($"fused decoding kernel: {what}");
    }
}
