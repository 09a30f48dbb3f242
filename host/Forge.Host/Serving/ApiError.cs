using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace Forge.Host.Serving;

/// <summary>
/// A request the server refuses, as OpenAI reports it: an HTTP status and the body
/// <c>{"error": {"message", "type", "param", "code"}}</c>, <c>param</c> naming the request field at fault
/// (<c>max_tokens</c>, <c>messages[1].role</c>) or null.
/// </summary>
internal sealed class ApiError(int status, string message, string type, string? param = null, string? code = null) : Exception(message)
{
    public int Status { get; } = status;

    public string Type { get; } = type;

    public string? Param { get; } = param;

    public string? Code { get; } = code;

    /// <summary>400: a field (or the body) is not a request the server can honour.</summary>
    public static ApiError Invalid(string? param, string message, string? code = null) =>
        new(StatusCodes.Status400BadRequest, message, "invalid_request_error", param, code);

    /// <summary>401: no or a wrong <c>Authorization: Bearer</c> key.</summary>
    public static ApiError Unauthorized(bool given) =>
        new(StatusCodes.Status401Unauthorized,
            given ? "incorrect API key provided" : "missing API key: send the header 'Authorization: Bearer KEY' (the server's --api-key)",
            "invalid_request_error", null, "invalid_api_key");

    /// <summary>413: a body over Kestrel's limit.</summary>
    public static ApiError TooLarge(long limit) =>
        new(StatusCodes.Status413PayloadTooLarge, $"the request body is larger than {limit} bytes (the server's --max-body-bytes)",
            "invalid_request_error", null, "request_too_large");

    /// <summary>429: the queue of waiting requests is full.</summary>
    public static ApiError QueueFull(int capacity) =>
        new(StatusCodes.Status429TooManyRequests, $"the server is busy: {capacity} requests are already waiting for the model; retry later",
            "rate_limit_error", null, "queue_full");

    /// <summary>503: the server is stopping and answers no more completions.</summary>
    public static ApiError ShuttingDown() =>
        new(StatusCodes.Status503ServiceUnavailable, "the server is shutting down", "server_error", null, "shutting_down");

    /// <summary>404: no such route.</summary>
    public static ApiError NotFound(string method, string path) =>
        new(StatusCodes.Status404NotFound, $"no route {method} {path} (the server answers POST /v1/chat/completions and GET /v1/models)",
            "invalid_request_error", null, "not_found");

    /// <summary>500: the server failed; the message is one line.</summary>
    public static ApiError Internal(Exception failure) =>
        new(StatusCodes.Status500InternalServerError, $"internal error: {failure.GetType().Name}: {failure.Message.ReplaceLineEndings(" ")}", "server_error");

    /// <summary>The response: this status and the OpenAI error body.</summary>
    public IResult ToResult() => Results.Json(new ErrorBody(new ErrorDetail(Message, Type, Param, Code)), statusCode: Status);

    /// <summary>Writes the response directly (middleware, where no endpoint result runs).</summary>
    public Task WriteAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.Response.StatusCode = Status;
        return http.Response.WriteAsJsonAsync(new ErrorBody(new ErrorDetail(Message, Type, Param, Code)));
    }
}

/// <summary>The OpenAI error body.</summary>
internal sealed record ErrorBody([property: JsonPropertyName("error")] ErrorDetail Error);

/// <summary>What went wrong; <c>param</c> and <c>code</c> are null when they do not apply (OpenAI sends them as null).</summary>
internal sealed record ErrorDetail(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("param")] string? Param,
    [property: JsonPropertyName("code")] string? Code);
