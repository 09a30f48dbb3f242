namespace Forge.Host.Serving;

/// <summary>One turn of a conversation: its role (system, developer, user or assistant) and text.</summary>
internal sealed record ChatTurn(string Role, string Content);

/// <summary>
/// An OpenAI <c>/v1/chat/completions</c> request after <see cref="RequestValidator"/>: every field present, of its
/// type and in its range. <see cref="MaxTokens"/> is null when the request gave none (the prompt's length decides).
/// </summary>
internal sealed record ChatCompletionRequest
{
    public required IReadOnlyList<ChatTurn> Messages { get; init; }

    public int? MaxTokens { get; init; }

    public int N { get; init; } = 1;

    /// <summary>0 for greedy decoding.</summary>
    public double Temperature { get; init; } = 1.0;

    public double TopP { get; init; } = 1.0;

    /// <summary>0: off.</summary>
    public int TopK { get; init; }

    public double MinP { get; init; }

    public double RepetitionPenalty { get; init; } = 1.0;

    public IReadOnlyList<string> Stop { get; init; } = [];

    public long? Seed { get; init; }
}
