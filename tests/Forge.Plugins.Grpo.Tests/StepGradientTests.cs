using Forge.Contracts.Training;
using Forge.Plugins.Grpo;
using static TorchSharp.torch;

namespace Forge.Plugins.Grpo.Tests;

/// <summary>
/// The gradient <see cref="GrpoOptimizer.Step"/> sends into the policy's log-probs, token by token, against the float64
/// loops of <see cref="ReferenceGrpo"/>: micro-batches of 3 rows, a k3 KL to a reference that differs from the policy,
/// and a batch whose longest completion (5 tokens) is shorter than the configured limit (16).
/// </summary>
public class StepGradientTests
{
    private const int GroupSize = 4, Limit = 16, MicroBatch = 3;
    private static readonly int[] Lengths = [3, 5, 2, 4, 1, 5, 3, 2];
    private static readonly double[] Rewards = [1, 0, 0.5, 1, 0, 0.25, 1, 0];
    private static readonly bool[] NoneTruncated = new bool[8];
    private static readonly bool[] AllScored = [true, true, true, true, true, true, true, true];

    private static double[,] Table(Func<int, int, double> value)
    {
        var table = new double[Lengths.Length, Lengths.Max()];
        for (int r = 0; r < table.GetLength(0); r++)
            for (int t = 0; t < table.GetLength(1); t++)
                table[r, t] = value(r, t);
        return table;
    }

    private static readonly double[,] Policy = Table((r, t) => -0.3 - 0.1 * ((7 * r + 3 * t) % 11));
    private static readonly double[,] Reference = Table((r, t) => Policy[r, t] + 0.05 * ((r + 2 * t) % 5 - 2));

    private static Rollout Rollout(bool[] truncated, bool[]? scored, int maxCompletionLength)
    {
        var batch = TableTrainingContext.Batch(Lengths);
        return new Rollout(batch, zeros(Lengths.Length, Lengths.Max(), float64), tensor(Rewards), tensor(truncated), GroupSize)
        {
            Scored = scored is null ? null : tensor(scored),
            MaxCompletionLength = maxCompletionLength,
        };
    }

    /// <summary>Runs one step and returns its loss and the gradient it accumulated, with the reference's.</summary>
    private static (double Loss, double[,] Gradient, double ReferenceLoss, double[,] ReferenceGradient) Run(GrpoOptions options,
        bool[] truncated, bool[] scored, int maxCompletionLength, int referenceLimit)
    {
        using var context = new TableTrainingContext(Policy, Reference, MicroBatch);
        var metrics = new GrpoOptimizer(options).Step(Rollout(truncated, scored, maxCompletionLength), context);
        context.Gradients.Should().ContainSingle();
        var advantages = ReferenceGrpo.Advantages(Rewards, scored, GroupSize, options.ScaleRewards);
        var mask = ReferenceGrpo.Mask(Lengths, options.MaskTruncatedCompletions ? truncated : NoneTruncated);
        var (loss, gradient) = ReferenceGrpo.LossAndGradient(advantages, mask, Policy, Reference, options.Beta, options.LossType, referenceLimit, MicroBatch);
        return (metrics["loss"], context.Gradients[0], loss, gradient);
    }

    private static void ShouldMatch(double[,] actual, double[,] expected)
    {
        actual.Cast<double>().Should().Equal(expected.Cast<double>(), (a, b) => Math.Abs(a - b) < 1e-12);
        expected.Cast<double>().Should().Contain(g => g != 0, "a case with no gradient checks nothing");
    }

    [Theory]
    [InlineData(GrpoLossType.Grpo)]
    [InlineData(GrpoLossType.Bnpo)]
    [InlineData(GrpoLossType.DrGrpo)]
    [InlineData(GrpoLossType.Dapo)]
    public void Gradient_matches_the_reference_with_truncated_rows_masked_and_unscored_rows(GrpoLossType lossType)
    {
        var options = new GrpoOptions { Beta = 0.04, LossType = lossType, MaskTruncatedCompletions = true };
        bool[] truncated = [false, true, false, false, false, true, false, false];
        bool[] scored = [true, true, false, true, true, true, true, false];
        var (loss, gradient, referenceLoss, referenceGradient) = Run(options, truncated, scored, Limit, Limit);
        loss.Should().BeApproximately(referenceLoss, 1e-12);
        ShouldMatch(gradient, referenceGradient);
    }

    [Fact]
    public void Dr_grpo_divides_by_rows_times_the_configured_limit()
    {
        var options = new GrpoOptions { Beta = 0.04, LossType = GrpoLossType.DrGrpo };
        var (loss, gradient, referenceLoss, referenceGradient) = Run(options, NoneTruncated, AllScored, Limit, Limit);
        loss.Should().BeApproximately(referenceLoss, 1e-12);
        ShouldMatch(gradient, referenceGradient);
    }

    [Fact]
    public void Without_a_configured_limit_dr_grpo_divides_by_the_batch_width()
    {
        var options = new GrpoOptions { Beta = 0.04, LossType = GrpoLossType.DrGrpo };
        var (loss, gradient, referenceLoss, referenceGradient) = Run(options, NoneTruncated, AllScored, 0, Lengths.Max());
        loss.Should().BeApproximately(referenceLoss, 1e-12);
        ShouldMatch(gradient, referenceGradient);
    }

    [Fact]
    public void A_completion_longer_than_the_configured_limit_is_refused()
    {
        using var context = new TableTrainingContext(Policy, Reference, MicroBatch);
        var step = () => new GrpoOptimizer(new GrpoOptions { LossType = GrpoLossType.DrGrpo }).Step(Rollout(NoneTruncated, null, Lengths.Max() - 1), context);
        step.Should().Throw<ArgumentException>().WithMessage("*longer than*");
    }

    [Fact]
    public void Masked_truncated_rows_get_no_gradient_and_leave_the_token_count()
    {
        var options = new GrpoOptions { Beta = 0.04, LossType = GrpoLossType.Dapo, MaskTruncatedCompletions = true };
        bool[] truncated = [false, true, false, false, false, false, false, true];
        var (loss, gradient, referenceLoss, referenceGradient) = Run(options, truncated, AllScored, Limit, Limit);
        loss.Should().BeApproximately(referenceLoss, 1e-12);
        ShouldMatch(gradient, referenceGradient);
        for (int t = 0; t < gradient.GetLength(1); t++)
        {
            gradient[1, t].Should().Be(0);
            gradient[7, t].Should().Be(0);
        }
    }

    [Fact]
    public void Unscored_rows_leave_the_baseline_and_keep_only_their_kl_term_and_tokens()
    {
        // As TRL: an unscored completion stays in the completion mask, so it counts in the token normaliser and is
        // pulled towards the reference by the KL term, but its advantage is 0.
        var options = new GrpoOptions { Beta = 0.04, LossType = GrpoLossType.Dapo };
        bool[] scored = [true, false, true, true, true, true, false, true];
        var (loss, gradient, referenceLoss, referenceGradient) = Run(options, NoneTruncated, scored, Limit, Limit);
        loss.Should().BeApproximately(referenceLoss, 1e-12);
        ShouldMatch(gradient, referenceGradient);
        double tokens = Lengths.Sum();
        for (int t = 0; t < Lengths[1]; t++)
            gradient[1, t].Should().BeApproximately(0.04 * (1 - Math.Exp(Reference[1, t] - Policy[1, t])) / tokens, 1e-15, "only the KL term");
    }
}
