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
/// HTTP teacher — can use a Forge model. It listens on exactly one address, takes no configuration from files or the
/// environment (a stray appsettings.json or ASPNETCORE_URLS cannot open another port), answers every refusal in
/// OpenAI's error format (<see cref="ApiError"/>), checks the API key when there is one, bounds request bodies, and
/// queues completions in a <see cref="GenerationQueue"/>. A client that goes away cancels its request; stopping
/// cancels them all.
/// </summary>
internal sealed class ChatServer : IAsyncDisposable
{
    /// <summary>How long stopping waits for requests that ignore their cancellation.</summary>
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(5);

    private static readonly JsonDocumentOptions JsonLimits = new() { MaxDepth = 32 };

    private readonly WebApplication _app;
    private readonly ChatModel _model;
    private readonly ApiKey? _key;
    private readonly GenerationQueue _queue;
    private readonly ILogger _log;

    public ChatServer(ChatModel model, ListenAddress address, int port, ApiKey? key)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(address);
        _model = model;
        _key = key;
        // No defaults: no configuration sources (appsettings.json, ASPNETCORE_URLS), only Kestrel and routing.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrelCore();
        builder.Services.AddRoutingCore();
        // Warnings and errors while serving go to stderr (stdout carries the base URL). A failure to start is the
        // caller's one line: the host's own "Hosting failed to start" entry would repeat it as a 30-line trace.
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = RequestBody.HardLimit(model.Limits.MaxBodyBytes);
            kestrel.Listen(address.Address, port);
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownTimeout);
        _app = builder.Build();
        _log = _app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("forge serve");
        _queue = new GenerationQueue(model.Limits.MaxQueue);
        _app.Lifetime.ApplicationStopping.Register(_queue.Close);
        _app.Use(GuardAsync);
        _app.MapGet("/v1/models", () => Results.Json(new
        {
            @object = "list",
            data = new[] { new { id = model.Name, @object = "model", owned_by = "forge", max_model_len = model.Limits.ContextLength } },
        }));
        _app.MapPost("/v1/chat/completions", (Func<HttpContext, Task<IResult>>)CompleteAsync);
        _app.MapFallback((HttpContext http) => ApiError.NotFound(http.Request.Method, http.Request.Path).ToResult());
    }

    /// <summary>The base URL clients use, e.g. <c>http://127.0.0.1:8000/v1</c> (the bound port when 0 was asked for).</summary>
    public string BaseUrl => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/v1";

    /// <summary>Requests waiting for the model now.</summary>
    public int Waiting => _queue.Waiting;

    public Task StartAsync(CancellationToken cancellationToken) => _app.StartAsync(cancellationToken);

    /// <summary>Stops accepting requests and cancels those waiting or generating; <see cref="WaitForShutdownAsync"/> then returns.</summary>
    public void RequestStop() => _app.Lifetime.StopApplication();

    /// <summary>Returns once the server was asked to stop (<see cref="RequestStop"/>) and has stopped.</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken) => _app.WaitForShutdownAsync(cancellationToken);

    /// <summary>The API key, then the endpoint; an exception no endpoint expected becomes a one-line 500.</summary>
    private async Task GuardAsync(HttpContext http, RequestDelegate next)
    {
        if (_key is not null && !_key.Accepts(http.Request.Headers.Authorization))
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            await ApiError.Unauthorized(given: http.Request.Headers.Authorization.Count > 0).WriteAsync(http).ConfigureAwait(false);
            return;
        }
        try
        {
            await next(http).ConfigureAwait(false);
        }
        catch (Exception) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client went away: there is no one to answer.
        }
        catch (Exception e) when (!http.Response.HasStarted)
        {
            var error = ApiError.Internal(e);
            _log.LogError("{Method} {Path}: {Message}", http.Request.Method, http.Request.Path, error.Message);
            await error.WriteAsync(http).ConfigureAwait(false);
        }
    }

    private async Task<IResult> CompleteAsync(HttpContext http)
    {
        Func<CancellationToken, ChatCompletionResponse> generation;
        try
        {
            if (await RequestBody.ReadAsync(http.Request, _model.Limits.MaxBodyBytes, http.RequestAborted).ConfigureAwait(false) is not { } bytes)
                return ApiError.TooLarge(_model.Limits.MaxBodyBytes).ToResult();
            using var body = JsonDocument.Parse(bytes, JsonLimits);
            generation = _model.Prepare(RequestValidator.Validate(body.RootElement, _model.Limits));
        }
        catch (ApiError e)
        {
            return e.ToResult();
        }
        catch (JsonException e)
        {
            return ApiError.Invalid(null, $"the body is not valid JSON: {e.Message}").ToResult();
        }
        catch (BadHttpRequestException e)
        {
            // Cut short: a client that gave up while sending.
            return ApiError.Invalid(null, $"the request body could not be read: {e.Message}").ToResult();
        }

        if (_queue.TryRun(generation, http.RequestAborted) is not { } pending)
        {
            http.Response.Headers.RetryAfter = "1";
            return ApiError.QueueFull(_queue.Capacity).ToResult();
        }
        try
        {
            return Results.Json(await pending.ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (!http.RequestAborted.IsCancellationRequested)
        {
            return ApiError.ShuttingDown().ToResult();
        }
        catch (ArgumentException e)
        {
            // A sampler's refusal of settings the validator let through.
            return ApiError.Invalid(null, e.Message.ReplaceLineEndings(" ")).ToResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        // The model thread must be out of the model before the process unloads it.
        if (!_queue.WaitForIdle(ShutdownTimeout)) _log.LogWarning("a generation did not stop within {Seconds} s of its cancellation", ShutdownTimeout.TotalSeconds);
        _queue.Dispose();
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
