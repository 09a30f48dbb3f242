using static TorchSharp.torch;

namespace Forge.Plugins.Ppo.Tests;

/// <summary>
/// <see cref="PpoLoss"/> in float64 against the formulas written out as loops over doubles in this file (no tensor code
/// of the plugin computes an expected number), to 1e-12: where the score lands, the k1 and k3 KL penalties in the
/// per-token reward, the clipped policy loss and the clipped value loss (values and gradients, both branches of each max).
/// </summary>
public class PpoLossReferenceTests
{
    private const double Tolerance = 1e-12;

    // Rows of 3 tokens, 1 token, none at all, and the full width.
    private static readonly double[,] Mask =
    {
        { 1, 1, 1, 0, 0 },
        { 1, 0, 0, 0, 0 },
        { 0, 0, 0, 0, 0 },
        { 1, 1, 1, 1, 1 },
    };

    private static Tensor Matrix(double[,] values, bool requiresGrad = false)
    {
        var flat = new double[values.Length];
        Buffer.BlockCopy(values, 0, flat, 0, flat.Length * sizeof(double));
        return tensor(flat, [values.GetLength(0), values.GetLength(1)], float64, requires_grad: requiresGrad);
    }

    private static double[,] Uniform(Random random, int rows, int columns, double low, double high)
    {
        var values = new double[rows, columns];
        for (int i = 0; i < rows; i++)
            for (int t = 0; t < columns; t++)
                values[i, t] = low + (high - low) * random.NextDouble();
        return values;
    }

    private static double[,] Values(Tensor t)
    {
        var flat = t.detach().contiguous().data<double>().ToArray();
        var values = new double[t.shape[0], t.shape[1]];
        Buffer.BlockCopy(flat, 0, values, 0, flat.Length * sizeof(double));
        return values;
    }

    private static void ShouldEqual(double[,] actual, double[,] expected, string what)
    {
        actual.GetLength(0).Should().Be(expected.GetLength(0));
        actual.GetLength(1).Should().Be(expected.GetLength(1));
        for (int i = 0; i < expected.GetLength(0); i++)
            for (int t = 0; t < expected.GetLength(1); t++)
                actual[i, t].Should().BeApproximately(expected[i, t], Tolerance, $"{what} [{i}, {t}]");
    }

    /// <summary>The last column of row <paramref name="i"/> whose mask is 1, or −1 for a row without tokens.</summary>
    private static int LastToken(double[,] mask, int i)
    {
        int last = -1;
        for (int t = 0; t < mask.GetLength(1); t++)
            if (mask[i, t] != 0) last = t;
        return last;
    }

    [Fact]
    public void The_score_lands_on_the_last_completion_token_of_each_row()
    {
        double[] scores = [2.0, -1.5, 3.0, 0.75];
        using var kl = zeros(4, 5, float64);

        var rewards = Values(PpoLoss.TokenRewards(tensor(scores, float64), kl, Matrix(Mask), klCoef: 0.1));

        var expected = new double[4, 5];
        for (int i = 0; i < 4; i++)
            if (LastToken(Mask, i) is int last and >= 0) expected[i, last] = scores[i];
        ShouldEqual(rewards, expected, "reward");
        rewards[1, 0].Should().Be(-1.5, "a one-token row gets its score on that token");
        Enumerable.Range(0, 5).Select(t => rewards[2, t]).Should().AllSatisfy(r => r.Should().Be(0), "a row without tokens gets nothing");
    }

    [Theory]
    [InlineData(KlEstimator.K1)]
    [InlineData(KlEstimator.K3)]
    public void The_per_token_kl_penalty_is_subtracted_at_every_completion_token(KlEstimator estimator)
    {
        var random = new Random(11);
        var logProbs = Uniform(random, 4, 5, -3, -0.05);
        var referenceLogProbs = Uniform(random, 4, 5, -3, -0.05);
        double[] scores = [1.0, 0.5, -2.0, 0.25];
        const double beta = 0.3;

        var kl = PpoLoss.Kl(Matrix(logProbs), Matrix(referenceLogProbs), estimator);
        var rewards = Values(PpoLoss.TokenRewards(tensor(scores, float64), kl, Matrix(Mask), beta));

        var expectedKl = new double[4, 5];
        var expected = new double[4, 5];
        for (int i = 0; i < 4; i++)
        {
            int last = LastToken(Mask, i);
            for (int t = 0; t < 5; t++)
            {
                double logRatio = logProbs[i, t] - referenceLogProbs[i, t];
                expectedKl[i, t] = estimator == KlEstimator.K1 ? logRatio : Math.Exp(-logRatio) + logRatio - 1;
                if (Mask[i, t] == 0) continue;
                expected[i, t] = -beta * expectedKl[i, t] + (t == last ? scores[i] : 0);
            }
        }
        ShouldEqual(Values(kl), expectedKl, $"{estimator} estimate");
        ShouldEqual(rewards, expected, "reward");
    }

    [Fact]
    public void The_clipped_value_loss_takes_the_larger_of_the_free_and_the_clipped_error()
    {
        var random = new Random(5);
        const double epsilon = 0.2;
        var oldValues = Uniform(random, 6, 7, -1, 1);
        var step = Uniform(random, 6, 7, -0.6, 0.6);
        var returns = Uniform(random, 6, 7, -1.5, 1.5);
        var predicted = new double[6, 7];
        for (int i = 0; i < 6; i++)
            for (int t = 0; t < 7; t++)
                predicted[i, t] = oldValues[i, t] + step[i, t];
        using var prediction = Matrix(predicted, requiresGrad: true);

        var loss = PpoLoss.ValueLoss(prediction, Matrix(oldValues), Matrix(returns), epsilon);
        loss.sum().backward();

        var expected = new double[6, 7];
        var expectedGrad = new double[6, 7];
        int clippedWins = 0, freeWins = 0;
        for (int i = 0; i < 6; i++)
            for (int t = 0; t < 7; t++)
            {
                double v = predicted[i, t], old = oldValues[i, t], target = returns[i, t];
                double clipped = old + Math.Clamp(v - old, -epsilon, epsilon);
                double free = (v - target) * (v - target), held = (clipped - target) * (clipped - target);
                expected[i, t] = 0.5 * Math.Max(free, held);
                // The clipped error only exceeds the free one where the clip is active; then it does not depend on v.
                expectedGrad[i, t] = held > free ? 0 : v - target;
                if (held > free + 1e-9) clippedWins++;
                if (free > held + 1e-9) freeWins++;
            }
        clippedWins.Should().BeGreaterThan(0, "the data must exercise the clipped branch");
        freeWins.Should().BeGreaterThan(0, "the data must exercise the free branch with the clip active");
        ShouldEqual(Values(loss), expected, "value loss");
        ShouldEqual(Values(prediction.grad!), expectedGrad, "value loss gradient");
    }

    [Fact]
    public void The_clipped_policy_loss_is_the_pessimistic_surrogate()
    {
        var random = new Random(7);
        const double epsilon = 0.2;
        var oldLogProbs = Uniform(random, 6, 7, -3, -0.1);
        var shift = Uniform(random, 6, 7, -0.5, 0.5);
        var advantages = Uniform(random, 6, 7, 0.1, 2);
        var logProbs = new double[6, 7];
        for (int i = 0; i < 6; i++)
            for (int t = 0; t < 7; t++)
            {
                logProbs[i, t] = oldLogProbs[i, t] + shift[i, t];
                if ((i + t) % 2 == 0) advantages[i, t] = -advantages[i, t];
            }
        using var current = Matrix(logProbs, requiresGrad: true);

        var (loss, ratio) = PpoLoss.PolicyLoss(current, Matrix(oldLogProbs), Matrix(advantages), epsilon);
        loss.sum().backward();

        var expected = new double[6, 7];
        var expectedRatio = new double[6, 7];
        var expectedGrad = new double[6, 7];
        int clippedWins = 0, freeWins = 0;
        for (int i = 0; i < 6; i++)
            for (int t = 0; t < 7; t++)
            {
                double r = Math.Exp(logProbs[i, t] - oldLogProbs[i, t]), a = advantages[i, t];
                double free = -a * r, held = -a * Math.Clamp(r, 1 - epsilon, 1 + epsilon);
                expectedRatio[i, t] = r;
                expected[i, t] = Math.Max(free, held);
                // d(−a·r)/d log π = −a·r; the clipped term is constant where it wins.
                expectedGrad[i, t] = held > free ? 0 : -a * r;
                if (held > free + 1e-9) clippedWins++;
                if (free > held + 1e-9) freeWins++;
            }
        clippedWins.Should().BeGreaterThan(0, "the data must exercise the clipped branch");
        freeWins.Should().BeGreaterThan(0, "the data must exercise the free branch with the clip active");
        ShouldEqual(Values(ratio), expectedRatio, "ratio");
        ShouldEqual(Values(loss), expected, "policy loss");
        ShouldEqual(Values(current.grad!), expectedGrad, "policy loss gradient");
    }
}
