using Forge.Contracts.Sampling;
using static TorchSharp.torch;

namespace Forge.Plugins.Sampling;

/// <summary>
/// Turns raw next-token logits [rows, vocab] into the sampling distribution: repetition penalty, temperature, then
/// top-k, top-p and min-p filtering (filtered tokens get −∞). Same order as Hugging Face's generate. When nothing
/// applies the input itself is returned: it belongs to the caller's dispose scope and must never be moved out of it
/// (that kept every step's [rows, vocab] logits alive until the end of generation).
/// </summary>
internal static class LogitsProcessor
{
    public static Tensor Process(Tensor logits, Tensor? seen, GenerationSettings settings)
    {
        using var scope = NewDisposeScope();
        var x = logits;
        if (seen is not null && settings.RepetitionPenalty != 1.0)
        {
            // CTRL penalty: seen tokens become less likely whatever the sign of their logit.
            var penalized = where(x < 0, x * settings.RepetitionPenalty, x / settings.RepetitionPenalty);
            x = where(seen, penalized, x);
        }
        if (settings.Greedy) return Result(x, logits);
        if (settings.Temperature != 1.0) x = x / settings.Temperature;
        if (settings.TopK > 0 && settings.TopK < x.size(-1))
        {
            var kth = x.topk(settings.TopK, dim: -1).values.narrow(-1, settings.TopK - 1, 1);
            x = x.masked_fill(x < kth, double.NegativeInfinity);
        }
        if (settings.TopP < 1.0)
        {
            var (sorted, order) = x.sort(-1, descending: true);
            var probabilities = sorted.softmax(-1);
            // Drop a token when the mass before it already reaches top_p; the most likely token always stays.
            var drop = (probabilities.cumsum(-1) - probabilities) >= settings.TopP;
            x = x.masked_fill(zeros_like(drop).scatter(-1, order, drop), double.NegativeInfinity);
        }
        if (settings.MinP > 0)
        {
            var probabilities = x.softmax(-1);
            var threshold = probabilities.max(-1, keepdim: true).values * settings.MinP;
            x = x.masked_fill(probabilities < threshold, double.NegativeInfinity);
        }
        return Result(x, logits);
    }

    private static Tensor Result(Tensor x, Tensor input) => ReferenceEquals(x, input) ? input : x.MoveToOuterDisposeScope();
}
