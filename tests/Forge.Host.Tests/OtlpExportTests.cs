using System.Text;
using System.Text.Json;
using Forge.Core.Metrics;
using Forge.Host.Tests.Support;

namespace Forge.Host.Tests;

/// <summary>
/// A run's metrics go out through .NET's metrics API (meter Forge) and, with <c>--otlp</c>, over OTLP to a collector:
/// here an in-process receiver on loopback, over gRPC and over OTLP/HTTP.
/// </summary>
public class OtlpExportTests
{
    [Theory]
    [InlineData("grpc")]
    [InlineData("http")]
    public async Task A_run_exports_every_metric_it_logs_to_an_otlp_collector(string protocol)
    {
        using var dir = new TempDirectory();
        await using var receiver = new OtlpReceiver(grpc: protocol == "grpc");

        var result = ForgeProcess.Run("run", "--config", TinySft.Config(dir), "--pipeline", TinySft.Pipeline, "--output", dir.Combine("run"),
            "--otlp", receiver.Url, "--otlp-protocol", protocol);

        result.ExitCode.Should().Be(0, result.Error);
        receiver.Requests.Should().NotBeEmpty("the run flushes its metrics when it ends");
        receiver.Requests.Should().AllSatisfy(r => r.Path.Should().Be(protocol == "grpc" ? "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export" : "/v1/metrics"));
        string payload = string.Join("\n", receiver.Requests.Select(r => Encoding.UTF8.GetString(r.Body)));
        var logged = File.ReadLines(dir.Combine("run", "metrics.jsonl")).SelectMany(l => JsonDocument.Parse(l).RootElement.EnumerateObject())
            .Select(p => p.Name).Where(n => n is not ("stage" or "step" or "time")).Distinct().ToList();
        logged.Should().Contain("loss");
        foreach (string key in logged) payload.Should().Contain(ForgeMeter.InstrumentName(key), $"metrics.jsonl's {key} is exported");
        payload.Should().Contain("forge.stage").And.Contain("sft");
    }

    [Fact]
    public void Instrument_names_keep_the_key_readable()
    {
        ForgeMeter.InstrumentName("reward/accuracy/mean").Should().Be("forge.reward/accuracy/mean");
        ForgeMeter.InstrumentName("eval/pass@1").Should().Be("forge.eval/pass_1");
    }

    [Fact]
    public void A_bad_otlp_url_is_one_line_and_exit_2()
    {
        using var dir = new TempDirectory();
        var result = ForgeProcess.Run("run", "--config", TinySft.Config(dir), "--pipeline", TinySft.Pipeline, "--output", dir.Combine("run"), "--otlp", "127.0.0.1:4317");
        result.ExitCode.Should().Be(2);
        result.ErrorText.Trim().Should().EndWith("error: --otlp: '127.0.0.1:4317' is not an http(s) URL such as http://127.0.0.1:4317");
    }
}
