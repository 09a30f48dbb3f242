using System.Text.Json;
using Forge.Host.Tests.Support;

namespace Forge.Host.Tests;

/// <summary>The math-equivalence cases of the accuracy reward, scored through <c>forge score</c>.</summary>
public class AccuracyScoreTests
{
    private static readonly (string Gold, string Completion, double Accuracy)[] Cases =
    [
        ("1000000000", @"\boxed{1000000001}", 0),
        ("4294967296", @"\boxed{4294967295}", 0),
        ("0.5", @"\boxed{0.5\%}", 0),
        ("50", @"\boxed{5000\%}", 0),
        ("5 km", @"\boxed{5 m}", 0),
        ("2 hours", @"\boxed{2 minutes}", 0),
        ("1000", @"\boxed{1e3}", 1),
        (@"\{1,2\}", @"\boxed{\{2,1\}}", 1),
        ("(1, 2)", @"\boxed{(2, 1)}", 0),
        (@"50\%", @"\boxed{0.5}", 1),
        (@"50\%", @"\boxed{50}", 1),
        ("5", @"\boxed{5 m}", 1),
        ("2, 3", @"$\boxed{2}$ and $\boxed{3}$", 1),
        ("7", @"first \boxed{3}, then finally \boxed{7}", 1),
    ];

    [Fact]
    public void Forge_score_judges_math_equivalence()
    {
        using var dir = new TempDirectory();
        string input = dir.Write("in.jsonl", string.Join('\n', Cases.Select(c =>
            JsonSerializer.Serialize(new { prompt = "p", completion = c.Completion, answer = c.Gold }))) + "\n");

        var result = ForgeProcess.Run("score", "--rewards", "accuracy", "--input", input, "--json");

        result.ExitCode.Should().Be(0, result.Error);
        var scores = result.OutLines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("rewards").GetProperty("accuracy").GetDouble()).ToList();
        scores.Should().HaveCount(Cases.Length);
        for (int i = 0; i < Cases.Length; i++)
            scores[i].Should().Be(Cases[i].Accuracy, $"{Cases[i].Completion} against {Cases[i].Gold}");
    }
}
