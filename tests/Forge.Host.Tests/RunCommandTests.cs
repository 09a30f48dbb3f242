using System.Text.Json;
using Forge.Host.Tests.Support;

namespace Forge.Host.Tests;

public class RunCommandTests
{
    [Fact]
    public void Run_without_a_pipeline_runs_the_default_one_and_writes_a_summary()
    {
        using var dir = new TempDirectory();
        var result = ForgeProcess.Run(["run", "--output", dir.Path, "--seed", "7", .. ShortDefaultRun.Arguments()]);

        result.ExitCode.Should().Be(0, result.Error);
        var summary = JsonDocument.Parse(File.ReadAllText(dir.Combine("summary.json"))).RootElement;
        summary.GetProperty("seed").GetInt32().Should().Be(7);
        summary.GetProperty("stages").GetArrayLength().Should().BeGreaterThan(0);
        summary.GetProperty("stages")[0].GetProperty("wall_seconds").GetDouble().Should().BeGreaterThanOrEqualTo(0);
    }

    [Fact]
    public void Unknown_pipeline_lists_the_defined_ones()
    {
        var result = ForgeProcess.Run("run", "--pipeline", "nope");
        result.ExitCode.Should().Be(2);
        result.Error.Trim().Should().StartWith("error: unknown pipeline 'nope'; available: ");
    }

    [Fact]
    public void Unknown_stage_kind_names_the_key()
    {
        using var dir = new TempDirectory();
        string config = dir.Write("c.json", """{"Pipelines":{"odd":{"Stages":[{"Kind":"telepathy"}]}}}""");
        var result = ForgeProcess.Run("run", "--config", config, "--pipeline", "odd", "--output", dir.Combine("run"));
        result.ExitCode.Should().Be(2);
        result.Error.Should().Contain("Pipelines:odd:Stages:0:Kind: unknown stage kind 'telepathy'; available: distill, eval, rejection-sampling, rl, score, sft");
    }

    [Fact]
    public void Config_file_that_is_not_json_is_named()
    {
        using var dir = new TempDirectory();
        string config = dir.Write("broken.json", "{ \"Forge\": ");
        var result = ForgeProcess.Run("run", "--config", config);
        result.ExitCode.Should().Be(2);
        result.Error.Should().Contain("broken.json is not valid JSON");
    }

    [Fact]
    public void Environment_variables_and_set_overrides_reach_the_configuration()
    {
        using var dir = new TempDirectory();
        Environment.SetEnvironmentVariable("FORGE_Forge__DefaultPipeline", "from-env");
        try
        {
            ForgeProcess.Run("run").Error.Should().Contain("unknown pipeline 'from-env'");
            ForgeProcess.Run("run", "--set", "Forge:DefaultPipeline=from-set").Error.Should().Contain("unknown pipeline 'from-set'");
        }
        finally
        {
            Environment.SetEnvironmentVariable("FORGE_Forge__DefaultPipeline", null);
        }
    }
}
