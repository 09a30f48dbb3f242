namespace Forge.Host.Serving;

/// <summary>
/// What one request may ask of the server, so that no request can take unbounded time or memory: the context length
/// (prompt + completion tokens, at most the model's <c>max_position_embeddings</c>), the body size, completions per
/// request, stop strings, and how many requests may wait for the model.
/// </summary>
internal sealed record ServeLimits
{
    /// <summary>Prompt plus completion tokens of one request.</summary>
    public required int ContextLength { get; init; }

    /// <summary>Requests waiting for the model (the one generating not counted); one more is refused with 429.</summary>
    public int MaxQueue { get; init; } = 16;

    /// <summary>Bytes of a request body; more is refused with 413.</summary>
    public long MaxBodyBytes { get; init; } = 1 << 20;

    /// <summary>Completions per request (<c>n</c>): each is a row of the key/value cache.</summary>
    public int MaxCompletions { get; init; } = 16;

    /// <summary>Messages per request.</summary>
    public int MaxMessages { get; init; } = 1024;

    /// <summary>Stop strings per request (each is searched for after every token).</summary>
    public int MaxStopStrings { get; init; } = 16;

    /// <summary>Characters of one stop string.</summary>
    public int MaxStopLength { get; init; } = 256;

    /// <summary><c>max_tokens</c> when the request gives none (less when the prompt leaves less room).</summary>
    public int DefaultMaxTokens { get; init; } = 256;
}
