using System.Text.Json;
using Forge.Host.Hosting;
using Forge.Host.Tests.Support;

namespace Forge.Host.Tests;

/// <summary>
/// <c>forge run --dry-run</c>: the pipeline checked and every effective setting printed with the layer it came from
/// (default, appsettings.json, --config FILE, env FORGE_…, --set); nothing is run or written.
/// </summary>
public class DryRunTests
{
    private static string[] DryRun(string config, string output, params string[] more) =>
        ["run", "--dry-run", "--config", config, "--pipeline", TinySft.Pipeline, "--output", output, "--set", "Pipelines:tiny:Stages:0:MaxSteps=2", .. more];

    [Fact]
    public void Dry_run_prints_every_setting_with_its_source_and_writes_no_run_folder()
    {
        using var dir = new TempDirectory();
        string config = TinySft.Config(dir);
        var result = ForgeProcess.Run(DryRun(config, dir.Combine("run")));

        result.ExitCode.Should().Be(0, result.Error);
        var lines = result.OutLines;
        lines.Should().Contain("pipeline = tiny  (--pipeline)");
        lines.Should().Contain("[Pipelines:tiny:Stages:0] stage 1/1: sft (sft)");
        lines.Should().Contain("MaxSteps = 2  (--set)");
        lines.Should().Contain("Device = cpu  (default)");
        lines.Should().Contain("Training:Beta2 = 0.999  (default)");
        lines.Should().Contain($"Training:LearningRate = 0.003  (--config {config})");
        lines.Should().Contain("RewardIsolation:Timeout = 00:01:00  (appsettings.json)");
        lines.Should().Contain("Eval = off  (default)");
        lines.Should().Contain("[Distillers:sft] distiller sft");
        Directory.Exists(dir.Combine("run")).Should().BeFalse("a dry run writes nothing");
    }

    [Fact]
    public void Dry_run_as_json_names_each_settings_source()
    {
        using var dir = new TempDirectory();
        var result = ForgeProcess.Run(DryRun(TinySft.Config(dir), dir.Combine("run"), "--json"));

        result.ExitCode.Should().Be(0, result.Error);
        var stage = JsonDocument.Parse(result.Out).RootElement.GetProperty("stages")[0];
        var settings = stage.GetProperty("settings").EnumerateArray().ToDictionary(s => s.GetProperty("key").GetString()!);
        settings["MaxSteps"].GetProperty("value").GetString().Should().Be("2");
        settings["MaxSteps"].GetProperty("source").GetString().Should().Be("--set");
        settings["Epochs"].GetProperty("source").GetString().Should().Be("default");
        Directory.Exists(dir.Combine("run")).Should().BeFalse();
    }

    [Fact]
    public void Dry_run_of_a_configuration_with_a_mistake_exits_2_with_one_line()
    {
        using var dir = new TempDirectory();
        var result = ForgeProcess.Run(DryRun(TinySft.Config(dir), dir.Combine("run"), "--set", "Pipelines:tiny:Stages:0:Epoch=2"));

        result.ExitCode.Should().Be(2);
        result.Out.Should().BeEmpty();
        result.ErrorText.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle()
            .Which.Should().Be("error: Pipelines:tiny:Stages:0:Epoch: unknown key; did you mean Epochs? (valid keys: Adapter, BatchSize, Chat, CheckpointEvery, CompletionColumn, DType, Data, Device, Distiller, Epochs, Eval, EvalEvery, Generation, KeepCheckpoints, Kind, LengthBucketing, MaxSteps, Model, Name, NewModel, PromptSource, Template, Tokenizer, Training)");
        Directory.Exists(dir.Combine("run")).Should().BeFalse();
    }

    [Fact]
    public void Each_layer_is_named_by_what_set_it()
    {
        using var dir = new TempDirectory();
        string config = dir.Write("layer.json", """{"Pipelines":{"layers":{"FromConfig":"1","FromEnv":"1"}}}""");
        var settings = new HostSettings(config, [], ["Pipelines:layers:FromSet=1"], false);
        Environment.SetEnvironmentVariable("FORGE_Pipelines__layers__FromEnv", "2");
        Microsoft.Extensions.Configuration.ConfigurationManager configuration;
        try
        {
            configuration = ForgeConfiguration.Build(settings);
        }
        finally
        {
            Environment.SetEnvironmentVariable("FORGE_Pipelines__layers__FromEnv", null);
        }
        var layers = ConfigurationLayers.Of(configuration, settings);

        layers.SourceOf("Pipelines:layers:FromConfig").Should().Be($"--config {config}");
        layers.SourceOf("Pipelines:layers:FromEnv").Should().Be("env FORGE_Pipelines__layers__FromEnv");
        layers.SourceOf("Pipelines:layers:FromSet").Should().Be("--set");
        layers.SourceOf("Forge:DefaultPipeline").Should().Be("appsettings.json");
        layers.SourceOf("Pipelines:layers:Nowhere").Should().Be("default");
    }
}
