using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Forge.Host.Tests.Support;

/// <summary>
/// A minimal OTLP metrics receiver on loopback for tests: accepts OTLP/gRPC (HTTP/2 without TLS, answering an empty
/// ExportMetricsServiceResponse with grpc-status 0) or OTLP/HTTP (HTTP/1.1, <c>/v1/metrics</c>) and keeps every
/// request body (protobuf: metric names and attribute strings appear in it as UTF-8).
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(string Path, byte[] Body)> _requests = new();

    public OtlpReceiver(bool grpc)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, o => o.Protocols = grpc ? HttpProtocols.Http2 : HttpProtocols.Http1));
        _app = builder.Build();
        _app.Run(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            _requests.Enqueue((context.Request.Path, body.ToArray()));
            if (grpc)
            {
                context.Response.ContentType = "application/grpc";
                await context.Response.Body.WriteAsync(new byte[5]); // an uncompressed, empty message
                context.Response.AppendTrailer("grpc-status", "0");
            }
            else
            {
                context.Response.ContentType = "application/x-protobuf";
            }
        });
        _app.StartAsync().GetAwaiter().GetResult();
        Url = _app.Urls.Single();
    }

    /// <summary>http://127.0.0.1:PORT</summary>
    public string Url { get; }

    /// <summary>The requests received so far: path and body.</summary>
    public IReadOnlyList<(string Path, byte[] Body)> Requests => _requests.ToList();

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
