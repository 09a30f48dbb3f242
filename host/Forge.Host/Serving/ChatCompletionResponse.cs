using System.Text.Json.Serialization;

namespace Forge.Host.Serving;

/// <summary>One choice of an OpenAI chat completion.</summary>
internal sealed record ChatChoice(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("message")] ChatMessageDto Message,
    [property: JsonPropertyName("finish_reason")] string FinishReason);

/// <summary>Token counts of a response.</summary>
internal sealed record ChatUsage(
    [property: JsonPropertyName("prompt_tokens")] int PromptTokens,
    [property: JsonPropertyName("completion_tokens")] int CompletionTokens,
    [property: JsonPropertyName("total_tokens")] int TotalTokens);

/// <summary>An OpenAI <c>chat.completion</c> object.</summary>
internal sealed record ChatCompletionResponse(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("choices")] IReadOnlyList<ChatChoice> Choices,
    [property: JsonPropertyName("usage")] ChatUsage Usage);

/// <summary>An OpenAI-style error body.</summary>
internal sealed record ErrorResponse([property: JsonPropertyName("error")] ErrorDetail Error)
{
    public static ErrorResponse Invalid(string message) => new(new ErrorDetail(message, "invalid_request_error"));

    /// <summary>The served model or tokenizer cannot answer (NaN logits, a pre-tokenizer regex that timed out): the server's fault, not the request's.</summary>
    public static ErrorResponse Server(string message) => new(new ErrorDetail(message, "server_error"));
}

/// <summary>The message and type of an error.</summary>
internal sealed record ErrorDetail(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("type")] string Type);
