using TorchSharp;
using static TorchSharp.torch;

namespace Forge.Core.Tests;

public class TorchSmokeTests
{
    [Fact]
    public void Libtorch_loads_and_computes_on_this_machine()
    {
        using var a = tensor(new float[] { 1, 2, 3, 4 }).reshape(2, 2);
        using var b = matmul(a, a);
        b.data<float>().ToArray().Should().Equal(7, 10, 15, 22);
    }
}
