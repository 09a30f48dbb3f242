using System.ComponentModel.DataAnnotations;

namespace Forge.Samples.Rloo;

/// <summary>How a completion's token log-probs become the log-prob its advantage multiplies.</summary>
public enum SequenceLogProb
{
    /// <summary>The sum: the log-likelihood of the whole completion (REINFORCE, Ahmadian et al. 2024).</summary>
    Sum,
    /// <summary>The mean over its tokens: long and short completions weigh the same.</summary>
    Mean,
}

/// <summary>Options of the <c>rloo</c> optimizer, bound from <c>Optimizers:rloo</c>.</summary>
public sealed class RlooOptions
{
    /// <summary>Weight of the k3 KL penalty to the reference policy (per-token mean per completion); 0 loads no reference.</summary>
    [Range(0.0, 10.0)]
    public double Beta { get; set; }

    /// <summary>Sum or mean of the completion's token log-probs in the loss.</summary>
    public SequenceLogProb LogProb { get; set; } = SequenceLogProb.Sum;

    /// <summary>Divide the advantages by their standard deviation over the batch (TRL's normalize_advantages).</summary>
    public bool NormalizeAdvantages { get; set; }
}
