using TorchSharp;
using static TorchSharp.torch;

namespace Forge.Plugins.Distillation.Tests;

/// <summary>The GKD losses against a float64 reference written out with loops in the test.</summary>
public class DistillationLossTests
{
    private static double[] Softmax(double[] logits, double temperature)
    {
        double max = logits.Max(v => v / temperature);
        var exp = logits.Select(v => Math.Exp(v / temperature - max)).ToArray();
        double sum = exp.Sum();
        return exp.Select(e => e / sum).ToArray();
    }

    private static double Kl(double[] p, double[] q) => p.Zip(q).Sum(x => x.First * Math.Log(x.First / x.Second));

    private static double Reference(double[] student, double[] teacher, double beta, double temperature)
    {
        var s = Softmax(student, temperature);
        var t = Softmax(teacher, temperature);
        if (beta == 0) return Kl(t, s);
        if (beta == 1) return Kl(s, t);
        var m = s.Zip(t).Select(x => beta * x.Second + (1 - beta) * x.First).ToArray();
        return beta * Kl(t, m) + (1 - beta) * Kl(s, m);
    }

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(1.0, 1.0)]
    [InlineData(0.5, 1.0)]
    [InlineData(0.1, 2.0)]
    [InlineData(0.9, 0.7)]
    public void Matches_the_float64_reference(double beta, double temperature)
    {
        var random = new Random(7);
        const int rows = 2, length = 3, vocabulary = 11;
        var student = Enumerable.Range(0, rows * length * vocabulary).Select(_ => random.NextDouble() * 6 - 3).ToArray();
        var teacher = Enumerable.Range(0, rows * length * vocabulary).Select(_ => random.NextDouble() * 6 - 3).ToArray();

        using var actual = DistillationLoss.PerToken(tensor(student, float64).reshape(rows, length, vocabulary),
            tensor(teacher, float64).reshape(rows, length, vocabulary), beta, temperature);

        actual.shape.Should().Equal(rows, length);
        var values = actual.data<double>().ToArray();
        for (int i = 0; i < rows * length; i++)
        {
            double expected = Reference(student[(i * vocabulary)..((i + 1) * vocabulary)], teacher[(i * vocabulary)..((i + 1) * vocabulary)], beta, temperature);
            values[i].Should().BeApproximately(expected, 1e-12, $"position {i}");
        }
    }

    [Fact]
    public void Is_zero_for_equal_distributions_and_symmetric_at_one_half()
    {
        var random = new Random(3);
        using var a = tensor(Enumerable.Range(0, 20).Select(_ => random.NextDouble()).ToArray(), float64).reshape(1, 2, 10);
        using var b = tensor(Enumerable.Range(0, 20).Select(_ => random.NextDouble() * 4).ToArray(), float64).reshape(1, 2, 10);

        DistillationLoss.PerToken(a, a, 0.3, 1).abs().max().ToDouble().Should().BeLessThan(1e-12);
        DistillationLoss.PerToken(a, b, 0.5, 1).allclose(DistillationLoss.PerToken(b, a, 0.5, 1)).Should().BeTrue();
        DistillationLoss.PerToken(a, b, 0.0, 1).allclose(DistillationLoss.PerToken(a, b, 1.0, 1)).Should().BeFalse("forward and reverse KL differ");
    }
}
