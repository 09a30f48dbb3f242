using static TorchSharp.torch;

namespace Forge.Contracts.Devices;

/// <summary>
/// Picks each row's next token from a decoding step's logits in one fused device kernel (contracts 1.3): the host
/// offers a CUDA implementation; a sampler takes it as an optional constructor parameter and picks with tensor
/// operations without it, or for settings it does not cover (filters, repetition penalty).
/// </summary>
public interface ITokenPicker
{
    /// <summary>Null when <see cref="Pick"/> runs on <paramref name="device"/>; otherwise one line saying why not.</summary>
    string? Unavailable(Device device);

    /// <summary>
    /// For every row of <paramref name="logits"/> ([rows, vocab], float32, bfloat16 or float16): with
    /// <paramref name="uniforms"/> null, the argmax and its log-prob under the raw distribution; otherwise a draw from
    /// softmax(logits / <paramref name="temperature"/>) by an exponential race over the row's uniforms ([rows, vocab],
    /// float32 in [0, 1)) — the token maximising log p − log E with E = −log(1 − u) — and its log-prob under that
    /// distribution. Writes the token to <paramref name="ids"/> ([rows, 1], int64) and (token, log-prob, 1 when every
    /// logit of the row is finite else 0) to <paramref name="output"/> ([rows, 3], float32), in place and without
    /// synchronising with the host, so a captured step may contain it.
    /// </summary>
    void Pick(Tensor logits, Tensor? uniforms, double temperature, Tensor ids, Tensor output);
}
