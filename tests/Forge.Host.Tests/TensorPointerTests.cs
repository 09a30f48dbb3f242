using System.Runtime.InteropServices;
using Forge.Cuda.Nccl;
using static TorchSharp.torch;

namespace Forge.Host.Tests;

/// <summary>
/// The NCCL communicator hands NCCL the address of a tensor's first element, taken from LibTorchSharp's
/// <c>THSTensor_data</c> (<c>at::Tensor::data_ptr()</c>): checked here on CPU tensors, where the address can be read.
/// </summary>
public sealed class TensorPointerTests
{
    [Fact]
    public void The_pointer_of_a_view_is_its_first_element()
    {
        using var all = arange(10, ScalarType.Float32);
        using var view = all.narrow(0, 3, 4);
        var values = new float[4];
        Marshal.Copy(CudaRuntime.DataPointer(view), values, 0, 4);
        values.Should().Equal(3f, 4f, 5f, 6f);
    }

    [Fact]
    public void A_bfloat16_tensor_is_read_in_place()
    {
        using var t = tensor(new[] { 1f, -2f }).to(ScalarType.BFloat16);
        var bits = new short[2];
        Marshal.Copy(CudaRuntime.DataPointer(t), bits, 0, 2);
        bits.Select(b => (ushort)b).Should().Equal((ushort)0x3F80, (ushort)0xC000);
    }

    [Fact]
    public void A_unique_id_is_128_bytes_both_ways()
    {
        var bytes = Enumerable.Range(0, 128).Select(i => (byte)i).ToArray();
        NcclUniqueId.From(bytes).ToArray().Should().Equal(bytes);
        var act = () => NcclUniqueId.From(new byte[127]);
        act.Should().Throw<ArgumentException>();
    }
}
