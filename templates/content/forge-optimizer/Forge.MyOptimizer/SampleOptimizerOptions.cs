using System.ComponentModel.DataAnnotations;

namespace Forge.MyOptimizer;

/// <summary>Options, bound from <c>Optimizers:my-optimizer</c> and validated before a run starts.</summary>
public sealed class SampleOptimizerOptions
{
    /// <summary>Weight of the k3 KL penalty to the reference policy; 0 never creates the reference.</summary>
    [Range(0.0, 10.0)]
    public double Beta { get; set; }
}
