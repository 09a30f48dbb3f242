using static TorchSharp.torch;

namespace Forge.Plugins.Distillation;

/// <summary>
/// The generalized Jensen–Shannon divergence between a student's and a teacher's next-token distributions (GKD,
/// Agarwal et al. 2024), computed in log space so that near-zero probabilities stay finite.
/// </summary>
public static class DistillationLoss
{
    /// <summary>
    /// Divergence per position, [rows, length]: β = 0 gives KL(teacher ‖ student), β = 1 gives KL(student ‖ teacher),
    /// otherwise β·KL(teacher ‖ m) + (1 − β)·KL(student ‖ m) with m = β·teacher + (1 − β)·student.
    /// Logits are [rows, length, vocabulary] and divided by <paramref name="temperature"/> first.
    /// </summary>
    public static Tensor PerToken(Tensor studentLogits, Tensor teacherLogits, double beta, double temperature)
    {
        ArgumentNullException.ThrowIfNull(studentLogits);
        ArgumentNullException.ThrowIfNull(teacherLogits);
        if (beta is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(beta), beta, "β must lie in [0, 1]");
        using var scope = NewDisposeScope();
        var student = (studentLogits / temperature).log_softmax(-1);
        var teacher = (teacherLogits / temperature).log_softmax(-1);
        Tensor divergence;
        if (beta == 0) divergence = Kl(teacher, student);
        else if (beta == 1) divergence = Kl(student, teacher);
        else
        {
            var mixture = stack([student + Math.Log(1 - beta), teacher + Math.Log(beta)]).logsumexp(0);
            divergence = beta * Kl(teacher, mixture) + (1 - beta) * Kl(student, mixture);
        }
        return divergence.MoveToOuterDisposeScope();
    }

    /// <summary>KL(p ‖ q) over the last dimension from log-probabilities.</summary>
    private static Tensor Kl(Tensor logP, Tensor logQ) => (logP.exp() * (logP - logQ)).sum(-1);
}
