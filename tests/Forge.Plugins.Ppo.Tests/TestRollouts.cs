using Forge.Contracts.Sampling;
using Forge.Contracts.Training;
using Forge.Core.Training;
using static TorchSharp.torch;

namespace Forge.Plugins.Ppo.Tests;

/// <summary>Small scored batches for driving <see cref="PpoOptimizer"/> through a training context.</summary>
internal static class TestRollouts
{
    /// <summary>The first completion token of row r: it tells the rows apart in whatever order they are evaluated.</summary>
    public static int RowMarker(int row) => 10 + row;

    /// <summary>
    /// <paramref name="rows"/> completions of 1 to 4 tokens (vocabulary under 32), row r starting with
    /// <see cref="RowMarker"/>(r), with rewards that differ from row to row.
    /// </summary>
    public static Rollout Build(int rows) => Build(0, rows);

    /// <summary>Rows <paramref name="first"/> … <paramref name="first"/> + <paramref name="rows"/> − 1 of the batch <see cref="Build(int)"/> makes: one data-parallel rank's share.</summary>
    public static Rollout Build(int first, int rows)
    {
        var prompts = new List<IReadOnlyList<int>> { new[] { 3, 4, 5 }, new[] { 6, 7 } };
        var completions = Enumerable.Range(first, rows)
            .Select(r => new Completion(r % 2, new[] { RowMarker(r), 2 + r % 3, 25, 30 }.Take(1 + r % 4).ToArray(), [], "", false))
            .ToList();
        var batch = RolloutBuilder.Build(prompts, completions, 0, CPU);
        var rewards = tensor(Enumerable.Range(first, rows).Select(r => r % 3 == 0 ? 1.0 : 0.25 * r).ToArray(), float64);
        var truncated = zeros(rows, ScalarType.Bool);
        return new Rollout(batch, RolloutBuilder.OldLogProbs(completions, CPU), rewards, truncated, 1);
    }
}
