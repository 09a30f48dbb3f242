using Forge.Core.Stages;

namespace Forge.Core.Tests.Pipelines;

public class LengthBucketsTests
{
    private static int[] Lengths(int n) => Enumerable.Range(0, n).Select(i => 5 + new Random(i).Next(200)).ToArray();

    private static double Padding(IReadOnlyList<int[]> batches, int[] lengths) =>
        batches.Sum(b => b.Sum(i => b.Max(j => lengths[j]) - lengths[i])) / (double)batches.Sum(b => b.Max(j => lengths[j]) * b.Length);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Every_trace_appears_once_per_epoch(bool bucketing)
    {
        var lengths = Lengths(1000);
        var batches = LengthBuckets.Plan(lengths, 16, bucketing, new Random(1));
        batches.SelectMany(b => b).Order().Should().Equal(Enumerable.Range(0, 1000));
        batches.Should().OnlyContain(b => b.Length <= 16);
    }

    [Fact]
    public void Bucketing_cuts_padding_and_the_order_changes_with_the_seed()
    {
        var lengths = Lengths(1000);
        double bucketed = Padding(LengthBuckets.Plan(lengths, 16, true, new Random(1)), lengths);
        double random = Padding(LengthBuckets.Plan(lengths, 16, false, new Random(1)), lengths);
        bucketed.Should().BeLessThan(random / 4, $"bucketed {bucketed:P1} vs random {random:P1}");
        LengthBuckets.Plan(lengths, 16, true, new Random(2))[0].Should().NotEqual(LengthBuckets.Plan(lengths, 16, true, new Random(1))[0]);
    }
}
