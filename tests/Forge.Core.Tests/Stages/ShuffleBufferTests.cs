using FluentAssertions;
using Forge.Contracts.Data;
using Xunit;

namespace Forge.Core.Tests.Stages;

/// <summary>The bounded shuffle the prompt cycle and the dataset source share.</summary>
public sealed class ShuffleBufferTests
{
    [Fact]
    public void Rows_come_out_as_a_seeded_permutation_never_earlier_than_the_buffer_allows()
    {
        var rows = Enumerable.Range(0, 1000).ToList();
        var shuffled = ShuffleBuffer.Shuffle(rows, new Random(3), 50).ToList();

        shuffled.Should().BeEquivalentTo(rows).And.NotEqual(rows);
        ShuffleBuffer.Shuffle(rows, new Random(3), 50).Should().Equal(shuffled, "the same seed gives the same order");
        // When row r ≥ 50 is read, r − 50 rows have gone out and one more goes before r enters the buffer: row r comes
        // out at position r − 49 at the earliest.
        shuffled.Select((row, position) => row - position).Max().Should().BeLessThanOrEqualTo(49);
        ShuffleBuffer.Shuffle(rows, new Random(3), 1).Should().Equal(rows, "a buffer of one keeps the order");
        ShuffleBuffer.Shuffle(rows, new Random(3), 0).Should().Equal(rows);
    }
}
