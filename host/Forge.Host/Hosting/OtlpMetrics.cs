using Forge.Core;
using Forge.Core.Metrics;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;

namespace Forge.Host.Hosting;

/// <summary>
/// <c>forge run --otlp URL</c>: exports the <see cref="ForgeMeter"/> metrics over OTLP (gRPC by default, as collectors
/// listen on 4317; <c>--otlp-protocol http</c> for OTLP/HTTP with protobuf, usually 4318) every second and once more
/// when the run ends, to an OpenTelemetry collector or any backend that speaks OTLP.
/// </summary>
internal static class OtlpMetrics
{
    /// <summary>Export interval.</summary>
    public const int IntervalMilliseconds = 1000;

    /// <summary>Starts exporting to <paramref name="endpoint"/>; null when none is given. Dispose to flush and stop.</summary>
    public static IDisposable? Start(string? endpoint, string protocol)
    {
        if (endpoint is null) return null;
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new ForgeDataException($"--otlp: '{endpoint}' is not an http(s) URL such as http://127.0.0.1:4317");
        var otlpProtocol = protocol switch
        {
            "grpc" => OtlpExportProtocol.Grpc,
            "http" => OtlpExportProtocol.HttpProtobuf,
            _ => throw new ForgeDataException($"--otlp-protocol: '{protocol}' is not grpc or http"),
        };
        // OTLP/HTTP posts to <endpoint>/v1/metrics unless the URL names a path.
        if (otlpProtocol == OtlpExportProtocol.HttpProtobuf && uri.AbsolutePath == "/") uri = new Uri(uri, "v1/metrics");
        return Sdk.CreateMeterProviderBuilder()
            .AddMeter(ForgeMeter.Name)
            .AddOtlpExporter((exporter, reader) =>
            {
                exporter.Endpoint = uri;
                exporter.Protocol = otlpProtocol;
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = IntervalMilliseconds;
            })
            .Build();
    }
}
