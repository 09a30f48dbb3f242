using System.Text.Json;
using static TorchSharp.torch;

namespace Forge.Plugins.Ppo.Tests;

/// <summary>GAE against the float64 reference in shared/fixtures, to 1e-6.</summary>
public class GaeParityTests
{
    private static readonly JsonElement Fixture = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "policy_optimization.json"))).RootElement.GetProperty("gae");

    private static Tensor Matrix(JsonElement e) =>
        tensor(e.EnumerateArray().SelectMany(r => r.EnumerateArray().Select(v => v.GetDouble())).ToArray(), float64).view(e.GetArrayLength(), -1);

    private static double[] Values(Tensor t) => t.contiguous().data<double>().ToArray();

    [Fact]
    public void Advantages_and_returns_match_the_reference()
    {
        using var rewards = Matrix(Fixture.GetProperty("rewards"));
        using var values = Matrix(Fixture.GetProperty("values"));
        using var mask = ones_like(rewards);

        var (advantages, returns) = Gae.Compute(rewards, values, mask, Fixture.GetProperty("gamma").GetDouble(), Fixture.GetProperty("lam").GetDouble());

        Values(advantages).Should().Equal(Values(Matrix(Fixture.GetProperty("advantages"))), (a, b) => Math.Abs(a - b) < 1e-6);
        Values(returns).Should().Equal(Values(Matrix(Fixture.GetProperty("returns"))), (a, b) => Math.Abs(a - b) < 1e-6);
    }

    [Fact]
    public void A_right_padded_row_equals_the_same_row_cut_to_its_length()
    {
        using var rewards = Matrix(Fixture.GetProperty("rewards"));
        using var values = Matrix(Fixture.GetProperty("values"));
        using var mask = ones_like(rewards);
        mask[0, TensorIndex.Slice(6)] = tensor(0.0, float64);

        var (padded, _) = Gae.Compute(rewards, values, mask, 0.99, 0.95);
        var (cut, _) = Gae.Compute(rewards[TensorIndex.Slice(0, 1), TensorIndex.Slice(0, 6)], values[TensorIndex.Slice(0, 1), TensorIndex.Slice(0, 6)],
            ones(1, 6, float64), 0.99, 0.95);

        Values(padded[0, TensorIndex.Slice(0, 6)]).Should().Equal(Values(cut[0]), (a, b) => Math.Abs(a - b) < 1e-12);
        Values(padded[0, TensorIndex.Slice(6)]).Should().AllSatisfy(v => v.Should().Be(0));
    }

    [Fact]
    public void Whitening_gives_zero_mean_unit_variance_over_unmasked_entries()
    {
        using var x = Matrix(Fixture.GetProperty("rewards"));
        using var mask = ones_like(x);
        mask[1, TensorIndex.Slice(5)] = tensor(0.0, float64);
        var w = Gae.Whiten(x, mask);
        var kept = Values(w.masked_select(mask.to(ScalarType.Bool)));
        kept.Average().Should().BeApproximately(0, 1e-9);
        (kept.Select(v => v * v).Sum() / (kept.Length - 1)).Should().BeApproximately(1, 1e-6);
        Values(w[1, TensorIndex.Slice(5)]).Should().AllSatisfy(v => v.Should().Be(0));
    }
}
