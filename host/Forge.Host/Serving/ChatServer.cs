using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Forge.Host.Serving;

/// <summary>
/// An OpenAI-compatible HTTP server (ASP.NET Core, Kestrel) over one <see cref="ChatModel"/>:
/// <c>POST /v1/chat/completions</c> and <c>GET /v1/models</c>, so that any OpenAI client — including Forge's own
/// HTTP teacher — can use a Forge model.
/// </summary>
internal sealed class ChatServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    public ChatServer(ChatModel model, string host, int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        // Warnings and errors while serving go to stderr (stdout carries the base URL). A failure to start is the
        // caller's one line: the host's own "Hosting failed to start" entry would repeat it as a 30-line trace.
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
        builder.WebHost.UseUrls($"http://{host}:{port}");
        _app = builder.Build();
        _app.MapGet("/v1/models", () => Results.Json(new
        {
            @object = "list",
            data = new[] { new { id = model.Name, @object = "model", owned_by = "forge" } },
        }));
        _app.MapPost("/v1/chat/completions", async (HttpContext http) =>
        {
            ChatCompletionRequest? request;
            try
            {
                request = await JsonSerializer.DeserializeAsync<ChatCompletionRequest>(http.Request.Body, cancellationToken: http.RequestAborted);
            }
            catch (JsonException e)
            {
                return Results.BadRequest(ErrorResponse.Invalid($"body is not a valid chat request: {e.Message}"));
            }
            if (request is null) return Results.BadRequest(ErrorResponse.Invalid("empty body"));
            try
            {
                return Results.Json(await Task.Run(() => model.Complete(request, http.RequestAborted)));
            }
            catch (ArgumentException e)
            {
                return Results.BadRequest(ErrorResponse.Invalid(e.Message));
            }
            catch (Exception e) when (e is Core.ForgeDataException or Contracts.Plugins.PluginInputException)
            {
                return Results.Json(ErrorResponse.Server(e.Message), statusCode: StatusCodes.Status500InternalServerError);
            }
        });
    }

    /// <summary>The base URL clients use, e.g. <c>http://127.0.0.1:8000/v1</c> (the bound port when 0 was asked for).</summary>
    public string BaseUrl => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/v1";

    public Task StartAsync(CancellationToken cancellationToken) => _app.StartAsync(cancellationToken);

    public Task WaitForShutdownAsync(CancellationToken cancellationToken) => _app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
