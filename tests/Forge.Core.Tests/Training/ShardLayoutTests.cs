using Forge.Core.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Forge.Core.Tests.Training;

public class ShardLayoutTests
{
    private static readonly long[][] Shapes = [[7, 3], [13], [1], [2, 11], [3], [3, 7]];

    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 1)]
    [InlineData(2, 7)]
    [InlineData(3, 5)]
    [InlineData(3, 7)]
    [InlineData(4, 100)]
    public void Buckets_tile_the_parameters_and_every_rank_s_pieces_put_them_back_together(int ranks, int bucket)
    {
        var parameters = Shapes.Select((s, i) => new Parameter(arange(s.Aggregate(1L, (a, b) => a * b), ScalarType.Float32).add(100 * i).view(s), requires_grad: false)).ToList();
        var layouts = Enumerable.Range(0, ranks).Select(r => new ShardLayout(parameters, ranks, r, bucket)).ToList();
        var layout = layouts[0];
        long elements = layout.Elements;
        elements.Should().Be(81);

        // The buckets follow each other from element 0 and cover the parameters, each at most a bucket (a piece per rank at least).
        long next = 0, offset = 0;
        foreach (var b in layout.Buckets)
        {
            b.Start.Should().Be(next);
            b.ShardOffset.Should().Be(offset);
            b.Span.Should().BeLessThanOrEqualTo(Math.Max(bucket, ranks));
            next += b.Span;
            offset += b.Piece;
        }
        next.Should().BeInRange(elements, elements + ranks - 1, "the last bucket holds what is left, padded by fewer than N elements");
        layout.ShardSize.Should().Be(offset).And.Be((elements + ranks - 1) / ranks);
        layout.BucketSpan.Should().Be(layout.Buckets.Max(b => b.Span));

        // Each rank packs its pieces; the pieces of all ranks, unpacked bucket by bucket, give the parameters back.
        var restored = parameters.Select(p => zeros_like(p)).ToList();
        for (int k = 0; k < layout.Buckets.Count; k++)
        {
            var bucketValues = cat(layouts.Select(l =>
            {
                var piece = full(l.Buckets[k].Piece, -1f);
                l.Pack(l.PieceStart(l.Buckets[k]), piece, i => parameters[i]);
                return piece;
            }).ToList());
            layout.Unpack(layout.Buckets[k].Start, bucketValues, i => restored[i]);
        }
        for (int i = 0; i < parameters.Count; i++) restored[i].equal(parameters[i]).all().item<bool>().Should().BeTrue($"parameter {i}");

        // Past the last parameter a piece reads zeros, as does a parameter without values.
        var last = layouts[^1];
        var tail = full(last.Buckets[^1].Piece, -1f);
        last.Pack(last.PieceStart(last.Buckets[^1]), tail, i => i == 3 ? null : parameters[i]);
        long tailStart = last.PieceStart(last.Buckets[^1]);
        for (long e = 0; e < tail.numel(); e++)
            if (tailStart + e >= elements) tail[e].item<float>().Should().Be(0f);
    }

    [Fact]
    public void Unpacking_casts_to_each_target_s_dtype_and_writes_through_non_contiguous_targets()
    {
        var parameters = new List<Parameter> { new(zeros(3, 4, ScalarType.BFloat16), requires_grad: false), new(zeros(5), requires_grad: false) };
        var layout = new ShardLayout(parameters, 1, 0, 100);
        var targets = new List<Tensor> { zeros(4, 3, ScalarType.BFloat16).t(), zeros(5, ScalarType.Float64) };
        targets[0].is_contiguous().Should().BeFalse();
        var source = arange(17, ScalarType.Float32).add(0.25);
        layout.Unpack(0, source, i => targets[i]);
        targets[0].to(ScalarType.Float32).reshape(-1).data<float>().ToArray().Should().Equal(source.narrow(0, 0, 12).to(ScalarType.BFloat16).to(ScalarType.Float32).data<float>().ToArray());
        targets[1].data<double>().ToArray().Should().Equal(12.25, 13.25, 14.25, 15.25, 16.25);
    }
}
