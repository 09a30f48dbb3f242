using Forge.Contracts.Models;
using static TorchSharp.torch;

namespace Forge.Contracts.Training;

/// <summary>
/// The shared training machinery a policy optimizer or distiller works through: models, chunked log-probs and the
/// optimizer step (AdamW, schedule, accumulation, clipping). Plugins never build their own optimizer loop.
/// </summary>
public interface ITrainingContext
{
    /// <summary>The model being trained.</summary>
    ILanguageModel Policy { get; }

    /// <summary>A frozen reference copy of the policy, created on first use.</summary>
    ILanguageModel Reference { get; }

    /// <summary>A teacher model when the stage configures one, else null.</summary>
    ILanguageModel? Teacher { get; }

    /// <summary>Optimizer updates done so far in this stage.</summary>
    int StepNumber { get; }

    /// <summary>
    /// Log-prob of each completion token of <paramref name="batch"/> under <paramref name="model"/>
    /// ([batch, completion length]), computed in chunks so the full logits never exist at once; with
    /// <paramref name="withEntropy"/> also the entropy of each position's distribution. Gradients flow when the
    /// model is trainable and grad mode is on.
    /// </summary>
    (Tensor LogProbs, Tensor? Entropy) LogProbs(ILanguageModel model, TokenBatch batch, bool withEntropy = false);

    /// <summary>Adds the parameters of an extra trainable module (e.g. a value head) to the optimizer.</summary>
    void AddTrainable(nn.Module module);

    /// <summary>
    /// Back-propagates <paramref name="loss"/> and, at the end of each accumulation window, clips and applies the
    /// update. Returns false when the loss or gradients were not finite and the update was skipped.
    /// </summary>
    bool Backward(Tensor loss);
}
