using System.Text.Json;
using Forge.Plugins.Grpo;
using static TorchSharp.torch;

namespace Forge.Plugins.Grpo.Tests;

/// <summary>Every GRPO case of the Hugging Face TRL reference (shared/fixtures), in float64, to 1e-6.</summary>
public class GrpoParityTests
{
    private static readonly JsonElement Fixture = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "policy_optimization.json"))).RootElement.GetProperty("grpo");

    public static TheoryData<int> Cases()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < Fixture.GetProperty("cases").GetArrayLength(); i++) data.Add(i);
        return data;
    }

    internal static Tensor Matrix(JsonElement e) =>
        tensor(e.EnumerateArray().SelectMany(r => r.EnumerateArray().Select(v => v.GetDouble())).ToArray(), float64)
            .view(e.GetArrayLength(), -1);

    internal static Tensor Vector(JsonElement e) => tensor(e.EnumerateArray().Select(v => v.GetDouble()).ToArray(), float64);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Advantages_loss_gradient_and_kl_match_trl(int index)
    {
        var c = Fixture.GetProperty("cases")[index];
        var options = new GrpoOptions
        {
            Beta = c.GetProperty("beta").GetDouble(),
            EpsilonLow = c.GetProperty("epsilon_low").GetDouble(),
            EpsilonHigh = c.GetProperty("epsilon_high").GetDouble(),
            ScaleRewards = c.GetProperty("scale_rewards").GetBoolean() ? ScaleRewards.Group : ScaleRewards.None,
            LossType = c.GetProperty("loss_type").GetString() switch { "grpo" => GrpoLossType.Grpo, "bnpo" => GrpoLossType.Bnpo, _ => GrpoLossType.DrGrpo },
        };
        int groupSize = Fixture.GetProperty("num_generations").GetInt32();
        using var rewards = Vector(Fixture.GetProperty("rewards"));
        using var logp = Matrix(Fixture.GetProperty("logp")).requires_grad_();
        using var old = Matrix(Fixture.GetProperty("old_logp"));
        using var reference = Matrix(Fixture.GetProperty("ref_logp"));
        using var mask = Matrix(Fixture.GetProperty("completion_mask"));
        var totals = new BatchTotals(logp.shape[0], (long)mask.sum().item<double>(), Fixture.GetProperty("max_completion_length").GetInt64(), 1);

        using var advantages = GroupAdvantages.Compute(rewards, groupSize, options.ScaleRewards);
        var result = GrpoLoss.Compute(logp, old, reference, advantages, mask, options, totals);
        result.Loss.backward();

        advantages.data<double>().ToArray().Should().Equal(Vector(c.GetProperty("advantages")).data<double>().ToArray(), (a, b) => Math.Abs(a - b) < 1e-6);
        result.Loss.item<double>().Should().BeApproximately(c.GetProperty("loss").GetDouble(), 1e-6);
        logp.grad!.data<double>().ToArray().Should().Equal(Matrix(c.GetProperty("grad_logp")).data<double>().ToArray(), (a, b) => Math.Abs(a - b) < 1e-6);
        if (options.Beta != 0)
            (result.KlSum / result.ActiveTokens).Should().BeApproximately(c.GetProperty("mean_kl").GetDouble(), 1e-6);
    }

    [Fact]
    public void Micro_batches_add_up_to_the_whole_batch_loss()
    {
        foreach (var lossType in Enum.GetValues<GrpoLossType>().Where(t => t != GrpoLossType.Bnpo))
        {
            var options = new GrpoOptions { Beta = 0.04, LossType = lossType };
            using var logp = Matrix(Fixture.GetProperty("logp"));
            using var old = Matrix(Fixture.GetProperty("old_logp"));
            using var reference = Matrix(Fixture.GetProperty("ref_logp"));
            using var mask = Matrix(Fixture.GetProperty("completion_mask"));
            using var adv = GroupAdvantages.Compute(Vector(Fixture.GetProperty("rewards")), 4, ScaleRewards.Group);
            long rows = logp.shape[0];
            var whole = GrpoLoss.Compute(logp, old, reference, adv, mask, options, new BatchTotals(rows, (long)mask.sum().item<double>(), 12, 1));
            double parts = 0;
            for (long s = 0; s < rows; s += 3)
            {
                long n = Math.Min(3, rows - s);
                parts += GrpoLoss.Compute(logp.narrow(0, s, n), old.narrow(0, s, n), reference.narrow(0, s, n), adv.narrow(0, s, n),
                    mask.narrow(0, s, n), options, new BatchTotals(rows, (long)mask.sum().item<double>(), 12, 3)).Loss.item<double>();
            }
            parts.Should().BeApproximately(whole.Loss.item<double>(), 1e-9, lossType.ToString());
        }
    }

    [Fact]
    public void Equal_rewards_in_a_group_give_zero_advantage_not_nan()
    {
        using var rewards = tensor(new double[] { 1, 1, 1, 1, 0, 1, 0, 1 });
        var adv = GroupAdvantages.Compute(rewards, 4, ScaleRewards.Group).data<double>().ToArray();
        adv.Take(4).Should().AllSatisfy(a => a.Should().Be(0));
        adv.Skip(4).Should().AllSatisfy(a => double.IsFinite(a).Should().BeTrue());
    }

    [Fact]
    public void Sequence_level_ratio_is_one_per_row_and_clips_whole_sequences()
    {
        using var logp = tensor(new double[] { -1, -1, -2, -2 }).view(2, 2);
        using var old = tensor(new double[] { -1.5, -1.5, -2, -2 }).view(2, 2);
        using var mask = ones(2, 2, float64);
        using var adv = tensor(new double[] { 1, 1 });
        var options = new GrpoOptions { Beta = 0, ImportanceSampling = ImportanceSampling.Sequence, EpsilonHigh = 0.2 };
        var result = GrpoLoss.Compute(logp, old, null, adv, mask, options, new BatchTotals(2, 4, 2, 1));
        // Row 0: ratio e^0.5 ≈ 1.65 clipped to 1.2; row 1: ratio 1. Loss = mean(-1.2, -1).
        result.Loss.item<double>().Should().BeApproximately(-1.1, 1e-9);
        result.ClipHighCount.Should().Be(2);
    }
}
