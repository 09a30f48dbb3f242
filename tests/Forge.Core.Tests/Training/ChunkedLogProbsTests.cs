using Forge.Contracts.Training;
using Forge.Core.Tests.Models;
using Forge.Core.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Forge.Core.Tests.Training;

public class ChunkedLogProbsTests
{
    [Theory]
    [InlineData("qwen2")] // tied embeddings: the LM head's gradient adds to the embedding's
    [InlineData("llama")]
    public void Gradients_through_recomputed_chunks_equal_those_of_the_full_log_softmax(string arch)
    {
        using var model = ModelFixtures.Load(arch);
        using var batch = new TokenBatch(tensor(new long[] { 0, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18 }).view(2, 8),
            tensor(new long[] { 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 }).view(2, 8), 3, ones(2, 5));
        using var weights = tensor(new float[] { 1, -2, 3, 0.5f, 1, 2, 1, -1, 0, 4 }).view(2, 5);

        var chunked = SequenceEvaluator.Evaluate(model, batch, 0.8, chunk: 2, withEntropy: false, withHidden: false).LogProbs;
        (chunked * weights).sum().backward();
        var chunkedGrads = model.parameters().Select(p => p.grad!.clone()).ToList();
        model.zero_grad();

        var hidden = model.Hidden(batch.InputIds, batch.AttentionMask).narrow(1, 2, 5);
        var full = (model.Logits(hidden) / 0.8).log_softmax(-1).gather(-1, batch.InputIds.narrow(1, 3, 5).unsqueeze(-1)).squeeze(-1);
        (full * weights).sum().backward();

        chunked.allclose(full, atol: 1e-5).Should().BeTrue();
        var fullGrads = model.parameters().Select(p => p.grad!).ToList();
        // Float32 sums in another order differ by rounding, relative to the gradient's scale rather than each element's
        // (measured: at most 5.5e-7 of the largest |gradient| on a machine where an element-wise rtol 1e-4 failed); a
        // missing or doubled chunk would differ by the gradient's own size.
        for (int i = 0; i < fullGrads.Count; i++)
        {
            double scale = fullGrads[i].abs().max().ToDouble();
            (chunkedGrads[i] - fullGrads[i]).abs().max().ToDouble().Should().BeLessThanOrEqualTo(1e-5 * scale + 1e-8, $"parameter {i}");
        }
    }
}
