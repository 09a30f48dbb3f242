using Forge.Contracts.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Forge.Core.Tests.Training;

public class MaskedMeanTests
{
    // Three rows: 2, 3 and 0 unmasked tokens.
    private static readonly Tensor Values = tensor(new float[] { 1, 3, 100, 2, 4, 6, 7, 8, 9 }).view(3, 3);
    private static readonly Tensor Mask = tensor(new[] { true, true, false, true, true, true, false, false, false }).view(3, 3);

    [Fact]
    public void Per_sequence_and_per_token_means_skip_masked_positions_and_empty_rows_count_zero()
    {
        MaskedMean.PerSequence(Values, Mask).data<float>().ToArray().Should().Equal(2f, 4f, 0f);
        MaskedMean.PerToken(Values, Mask).ToSingle().Should().Be(16f / 5);
        MaskedMean.PerToken(Values, Mask.to(ScalarType.Float32)).ToSingle().Should().Be(16f / 5, "a numeric mask works as a bool one");
    }

    [Fact]
    public void Micro_batch_shares_sum_to_the_whole_batchs_mean_and_accumulate_its_gradient()
    {
        var sequenceShares = MaskedMean.PerSequenceShare(Values.narrow(0, 0, 2), Mask.narrow(0, 0, 2), batchRows: 3)
            + MaskedMean.PerSequenceShare(Values.narrow(0, 2, 1), Mask.narrow(0, 2, 1), batchRows: 3);
        sequenceShares.ToSingle().Should().BeApproximately(MaskedMean.PerSequence(Values, Mask).mean().ToSingle(), 1e-6f);

        var weights = Values.clone().requires_grad_(true);
        MaskedMean.PerToken(weights, Mask).backward();
        var whole = weights.grad!.clone();
        weights.grad!.zero_();
        foreach (var (start, length) in new[] { (0L, 1L), (1L, 2L) })
            MaskedMean.PerTokenShare(weights.narrow(0, start, length), Mask.narrow(0, start, length), batchTokens: 5).backward();
        weights.grad!.allclose(whole).Should().BeTrue();
        whole.data<float>()[2].Should().Be(0f, "a masked position gets no gradient");
    }
}
