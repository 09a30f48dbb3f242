using Forge.Core.Devices;
using static TorchSharp.torch;

namespace Forge.Core.Tests.Devices;

public class TensorShapeTests
{
    [Fact]
    public void Of_gives_the_sizes_shape_gives_for_every_rank_and_a_view()
    {
        using var scalar = tensor(3.0f);
        using var matrix = zeros(4, 6);
        using var view = zeros(2, 3, 5, 7).transpose(1, 3).narrow(0, 1, 1);
        foreach (var t in new[] { scalar, matrix, view })
            TensorShape.Of(t).Should().Equal(t.shape);
        TensorShape.Of(view).Should().Equal(1, 7, 5, 3);
    }

    [Fact]
    public void Same_compares_every_size_and_the_rank()
    {
        using var a = zeros(2, 3, 4);
        using var b = ones(2, 3, 4);
        using var c = zeros(2, 4, 3);
        using var d = zeros(2, 3);
        TensorShape.Same(a, b).Should().BeTrue();
        TensorShape.Same(a, c).Should().BeFalse();
        TensorShape.Same(a, d).Should().BeFalse();
        TensorShape.Same(d, a).Should().BeFalse();
    }
}
