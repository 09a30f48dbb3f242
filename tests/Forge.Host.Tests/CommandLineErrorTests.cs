using System.Net;
using System.Net.Sockets;
using Forge.Host.Tests.Support;

namespace Forge.Host.Tests;

/// <summary>
/// Bad input on the command line, or a setting of the wrong type from any layer, is one plain line on stderr naming
/// the option or key and what was expected — no .NET type names, no help page, no trace — and exit 2.
/// </summary>
public class CommandLineErrorTests
{
    private static void ShouldBeOneLine(ForgeProcess.Result result, string expected)
    {
        result.ExitCode.Should().Be(2, result.Error);
        string[] lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        lines.Should().ContainSingle($"exactly one error line is expected, got:\n{result.Error}").Which.Should().Be($"error: {expected}");
        result.Out.Should().BeEmpty("no help page on stdout");
    }

    [Theory]
    [InlineData("--seed: 'abc' is not an integer", "run", "--seed", "abc")]
    [InlineData("--seed: '1.5' is not an integer", "run", "--seed", "1.5")]
    [InlineData("--seed: '99999999999' is out of range (an integer from -2147483648 to 2147483647)", "run", "--seed", "99999999999")]
    [InlineData("--k: 'x' is not an integer", "eval", "--model", "m", "--tasks", "arithmetic", "--k", "x")]
    [InlineData("--temperature: 'hot' is not a number", "generate", "--model", "m", "--temperature", "hot")]
    [InlineData("--seed: missing value (an integer)", "run", "--seed")]
    [InlineData("--output: missing value", "run", "--output")]
    [InlineData("--tasks: missing (required)", "eval", "--model", "m")]
    [InlineData("--pipeline: given 2 times; give it once", "run", "--pipeline", "a", "--pipeline", "b")]
    [InlineData("give --run DIR or --compare DIR DIR …", "report")]
    [InlineData("give --run DIR or --compare DIR DIR …", "report", "--run", "a", "--compare", "a", "b")]
    [InlineData("--compare needs two run folders or more", "report", "--compare", "a")]
    [InlineData("--output goes with --compare (--run writes DIR/report.html)", "report", "--run", "a", "--output", "b.html")]
    [InlineData("forge run: unknown option '--sed'; did you mean --seed?", "run", "--sed", "3")]
    [InlineData("forge run: unknown option '--bogus' (forge run --help lists its options)", "run", "--bogus")]
    [InlineData("forge run: unexpected argument 'maybe' (forge run --help lists its options)", "run", "--resume", "maybe")]
    [InlineData("unknown command 'runn'; did you mean run? (commands: plugins, run, score, tokenize, generate, eval, serve, merge, report)", "runn")]
    [InlineData("no command given; commands: plugins, run, score, tokenize, generate, eval, serve, merge, report")]
    public void Bad_command_line_input_is_one_line_naming_the_option_and_exit_2(string expected, params string[] args) =>
        ShouldBeOneLine(ForgeProcess.Run(args), expected);

    [Theory]
    [InlineData("Logging:LogLevel:Default: 'abc' is not a log level (Trace, Debug, Information, Warning, Error, Critical, None)", "Logging:LogLevel:Default=abc")]
    [InlineData("Logging:Console:FormatterOptions:SingleLine: 'maybe' is not true or false", "Logging:Console:FormatterOptions:SingleLine=maybe")]
    [InlineData("Logging:Console:LogToStandardErrorThreshold: 'zz' is not one of Trace, Debug, Information, Warning, Error, Critical, None", "Logging:Console:LogToStandardErrorThreshold=zz")]
    [InlineData("Forge:Seed: 'abc' is not an integer", "Forge:Seed=abc")]
    public void A_setting_of_the_wrong_type_is_one_line_naming_the_key_and_exit_2(string expected, string setting) =>
        ShouldBeOneLine(ForgeProcess.Run("plugins", "--set", setting), expected);

    /// <summary>A plugin whose options the strict binder cannot read (a decimal), so that .NET's configuration binder decides.</summary>
    private const string PricedPlugin = """
        using Forge.Contracts.Plugins;
        using Forge.Contracts.Rewards;
        using Microsoft.Extensions.DependencyInjection;
        namespace Priced;
        public sealed class PricedOptions { public decimal Price { get; set; } }
        public sealed class Reward(PricedOptions options) : RewardModel
        {
            protected override double? Score(RewardInput input) => (double)options.Price;
        }
        [ForgePlugin("priced", PluginKind.Reward)]
        public sealed class Module : IForgePlugin
        {
            public void ConfigureServices(IServiceCollection services, PluginContext context) =>
                services.AddForgePlugin<IRewardModel, Reward, PricedOptions>(context);
        }
        """;

    [Theory]
    [InlineData("Rewards:priced:Prise: unknown key (PricedOptions has no setting of that name)", "Rewards:priced:Price=1", "Rewards:priced:Prise=2")]
    [InlineData("Rewards:priced:Price: 'cheap' is not a number", "Rewards:priced:Price=cheap")]
    public void The_configuration_binders_own_errors_name_the_key_in_plain_words(string expected, params string[] settings)
    {
        using var dir = new TempDirectory();
        PluginCompiler.Compile(dir.Combine("p", "Priced"), "Priced", PricedPlugin);
        ShouldBeOneLine(ForgeProcess.Run(["plugins", "--plugins", dir.Combine("p"), .. settings.SelectMany(s => new[] { "--set", s })]), expected);
    }

    [Fact]
    public void Help_is_not_an_error()
    {
        ForgeProcess.Run("--help").ExitCode.Should().Be(0);
        var run = ForgeProcess.Run("run", "--help");
        run.ExitCode.Should().Be(0);
        run.Out.Should().Contain("--seed");
    }

    [Fact]
    public void Serve_on_a_port_in_use_is_one_line_naming_the_port_and_no_kestrel_trace()
    {
        using var dir = new TempDirectory();
        string model = TinyModel(dir);
        var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        try
        {
            int port = ((IPEndPoint)busy.LocalEndpoint).Port;
            var result = ForgeChild.Run("serve", "--model", model, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

            result.ExitCode.Should().Be(2, result.Error);
            string[] lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            lines.Should().ContainSingle($"one line is expected, got:\n{result.Error}")
                .Which.Should().StartWith($"error: --port {port}: address already in use (127.0.0.1:{port} ");
            result.Out.Should().BeEmpty("the host's failure log is not printed (it went to stdout)");
        }
        finally
        {
            busy.Stop();
        }
    }

    /// <summary>A two-step model from scratch: enough to be served.</summary>
    private static string TinyModel(TempDirectory dir)
    {
        string config = dir.Write("tiny.json", System.Text.Json.JsonSerializer.Serialize(new
        {
            Pipelines = new Dictionary<string, object>
            {
                ["tiny"] = new
                {
                    Stages = new object[]
                    {
                        new
                        {
                            Name = "base", Kind = "sft", Data = LearningTests.Traces(dir, 8, 1), MaxSteps = 2, BatchSize = 8,
                            NewModel = new { hidden_size = 16, intermediate_size = 32, num_hidden_layers = 1, num_attention_heads = 2, num_key_value_heads = 1, max_position_embeddings = 64 },
                        },
                    },
                },
            },
        }));
        var result = ForgeProcess.Run("run", "--config", config, "--pipeline", "tiny", "--output", dir.Combine("run"));
        result.ExitCode.Should().Be(0, result.Error);
        return dir.Combine("run", "checkpoints", "base");
    }
}
