using System.Text.Json;
using Forge.Contracts.Sampling;
using Forge.Core.Prompts;
using Forge.Core.Stages;

namespace Forge.Host.Serving;

/// <summary>
/// Answers chat requests with one local model: the conversation's system turn (if any) and last user turn become
/// the prompt, formatted by the server's template; <c>n</c> completions are sampled as one group. Requests take
/// turns on the model (one generation at a time), as a single-model server must.
/// </summary>
internal sealed class ChatModel(StageModel model, ISampler sampler, PromptTemplate template, string name)
{
    private readonly Lock _gate = new();

    public string Name => name;

    /// <summary>Answers <paramref name="request"/>; throws <see cref="ArgumentException"/> for a request Forge cannot honour.</summary>
    public ChatCompletionResponse Complete(ChatCompletionRequest request, CancellationToken cancellationToken)
    {
        if (request.Stream == true) throw new ArgumentException("stream=true is not supported; request the whole completion");
        var messages = request.Messages is { Count: > 0 } m ? m : throw new ArgumentException("messages: at least one message is required");
        string user = messages.LastOrDefault(x => x.Role == "user")?.Content ?? throw new ArgumentException("messages: no user message");
        string? system = messages.FirstOrDefault(x => x.Role is "system" or "developer")?.Content;
        string prompt = template.Format(string.IsNullOrEmpty(system) ? user : system + "\n\n" + user);
        int n = request.N ?? 1;
        if (n is < 1 or > 64) throw new ArgumentException("n must be between 1 and 64");
        double temperature = request.Temperature ?? 1.0;
        var settings = new GenerationSettings
        {
            Greedy = temperature == 0,
            Temperature = temperature == 0 ? 1.0 : temperature,
            TopP = request.TopP ?? 1.0,
            MaxNewTokens = request.MaxCompletionTokens ?? request.MaxTokens ?? 256,
            StopStrings = StopStrings(request.Stop),
        };
        var ids = model.Tokenizer.Encode(prompt);
        if (ids.Count >= model.Model.MaxPositions) throw new ArgumentException(Core.Prompts.PromptFit.Describe("messages", ids.Count, model.Model.MaxPositions));
        IReadOnlyList<Completion> completions;
        lock (_gate)
            completions = sampler.Sample(new SamplingRequest(model.Model, model.Tokenizer, [ids], n, settings, request.Seed ?? Random.Shared.NextInt64()),
                cancellationToken);
        var choices = completions.Select((c, i) => new ChatChoice(i, new ChatMessageDto("assistant", c.Text), c.Truncated ? "length" : "stop")).ToList();
        int generated = completions.Sum(c => c.TokenIds.Count);
        return new ChatCompletionResponse("chatcmpl-" + Guid.NewGuid().ToString("N"), "chat.completion", DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            name, choices, new ChatUsage(ids.Count, generated, ids.Count + generated));
    }

    private static IReadOnlyList<string> StopStrings(JsonElement? stop) => stop switch
    {
        null => [],
        { ValueKind: JsonValueKind.Null } => [],
        { ValueKind: JsonValueKind.String } s => [s.GetString()!],
        { ValueKind: JsonValueKind.Array } a => a.EnumerateArray().Select(e => e.GetString() ?? throw new ArgumentException("stop: strings only")).ToList(),
        _ => throw new ArgumentException("stop: a string or an array of strings"),
    };
}
