using System.Text.Json;
using Forge.Plugins.Grpo;

namespace Forge.Plugins.Grpo.Tests;

/// <summary>
/// The defaults are current TRL's GRPOConfig (since v0.22: β 0, loss "dapo"); the shipped pipelines, measured with
/// TRL's early-2025 values (β 0.04, loss "grpo"), pin those on each RL stage in appsettings.json so that their runs do
/// not change.
/// </summary>
public class GrpoDefaultsTests
{
    [Fact]
    public void Defaults_are_current_trl_grpo_config()
    {
        var options = new GrpoOptions();
        options.Beta.Should().Be(0.0);
        options.LossType.Should().Be(GrpoLossType.Dapo);
        options.ScaleRewards.Should().Be(ScaleRewards.Group);
        options.EpsilonLow.Should().Be(0.2);
        options.EpsilonHigh.Should().Be(0.2, "TRL's epsilon_high defaults to epsilon");
        options.NumIterations.Should().Be(1);
        options.MaskTruncatedCompletions.Should().BeFalse();
        options.ImportanceSampling.Should().Be(ImportanceSampling.Token);
    }

    [Fact]
    public void The_shipped_appsettings_pin_the_values_the_r1_mini_figures_were_measured_with()
    {
        string? root = AppContext.BaseDirectory;
        while (root is not null && !File.Exists(Path.Combine(root, "Framework.sln"))) root = Path.GetDirectoryName(root);
        root.Should().NotBeNull("the tests run from the repository's artifacts folder");
        using var settings = JsonDocument.Parse(File.ReadAllText(Path.Combine(root!, "host", "Forge.Host", "appsettings.json")));
        var rlStages = settings.RootElement.GetProperty("Pipelines").EnumerateObject()
            .SelectMany(p => p.Value.GetProperty("Stages").EnumerateArray())
            .Where(s => s.GetProperty("Kind").GetString() == "rl").ToList();
        rlStages.Should().HaveCountGreaterThan(3);
        foreach (var stage in rlStages)
        {
            // Inline ({"Plugin": "grpo", "Beta": …}) or a named instance (Optimizers:<name>: {"Plugin": "grpo", "Options": {…}}).
            var selection = stage.GetProperty("Optimizer");
            var (plugin, options) = selection.ValueKind == JsonValueKind.String
                ? (settings.RootElement.GetProperty("Optimizers").GetProperty(selection.GetString()!).GetProperty("Plugin"),
                    settings.RootElement.GetProperty("Optimizers").GetProperty(selection.GetString()!).GetProperty("Options"))
                : (selection.GetProperty("Plugin"), selection);
            plugin.GetString().Should().Be("grpo");
            options.GetProperty("Beta").GetDouble().Should().Be(0.04);
            options.GetProperty("LossType").GetString().Should().Be(nameof(GrpoLossType.Grpo));
        }
    }
}
