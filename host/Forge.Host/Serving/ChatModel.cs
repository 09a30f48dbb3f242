using Forge.Contracts.Sampling;
using Forge.Core;
using Forge.Core.Prompts;
using Forge.Core.Stages;

namespace Forge.Host.Serving;

/// <summary>
/// Answers chat requests with one local model: with the model's own chat template (<c>chat</c>) the whole conversation
/// is rendered by it, as vLLM does; with another template the conversation's system turn (if any) and last user turn
/// become the prompt, formatted by it; <c>n</c> completions are sampled as one group. <see cref="Prepare"/>
/// tokenizes and checks that prompt and completion fit the context (<see cref="ServeLimits.ContextLength"/>) before the
/// request waits for the model; the work it returns stops between decode steps when its token is cancelled.
/// </summary>
internal sealed class ChatModel(StageModel model, ISampler sampler, IPromptTemplate template, string name, ServeLimits limits)
{
    public string Name => name;

    public ServeLimits Limits => limits;

    /// <summary>The generation <paramref name="request"/> asks for; throws <see cref="ApiError"/> when it does not fit the context.</summary>
    public Func<CancellationToken, ChatCompletionResponse> Prepare(ChatCompletionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var ids = model.Tokenizer.Encode(PromptText(request));
        int context = limits.ContextLength;
        if (ids.Count == 0) throw ApiError.Invalid("messages", "the prompt encodes to no tokens");
        if (ids.Count >= context)
            throw ApiError.Invalid("messages", $"the prompt is {ids.Count} tokens; this model's context length is {context} tokens "
                + "(prompt and completion together), which leaves no room for a completion", "context_length_exceeded");
        int maxTokens = request.MaxTokens ?? Math.Min(limits.DefaultMaxTokens, context - ids.Count);
        if (ids.Count + maxTokens > context)
            throw ApiError.Invalid("max_tokens",
                $"the prompt is {ids.Count} tokens and max_tokens is {maxTokens}: {ids.Count + maxTokens} tokens, more than this model's context "
                + $"length of {context}; ask for at most {context - ids.Count} tokens", "context_length_exceeded");
        var settings = new GenerationSettings
        {
            Greedy = request.Temperature == 0,
            Temperature = request.Temperature == 0 ? 1.0 : request.Temperature,
            TopP = request.TopP,
            TopK = request.TopK,
            MinP = request.MinP,
            RepetitionPenalty = request.RepetitionPenalty,
            MaxNewTokens = maxTokens,
            StopStrings = request.Stop,
        };
        var sampling = new SamplingRequest(model.Model, model.Tokenizer, [ids], request.N, settings, request.Seed ?? Random.Shared.NextInt64());
        return cancellationToken => Respond(sampler.Sample(sampling, cancellationToken), ids.Count);
    }

    private string PromptText(ChatCompletionRequest request)
    {
        if (template is ChatPromptTemplate chat)
        {
            try
            {
                return chat.FormatConversation(request.Messages.Select(m => new ChatMessage(m.Role == "developer" ? "system" : m.Role, m.Content)).ToList());
            }
            catch (ForgeDataException ex)
            {
                throw ApiError.Invalid("messages", "the model's chat template refused the conversation: " + ex.Message);
            }
        }
        string user = request.Messages.Last(x => x.Role == "user").Content;
        string? system = request.Messages.FirstOrDefault(x => x.Role is "system" or "developer")?.Content;
        return template.Format(string.IsNullOrEmpty(system) ? user : system + "\n\n" + user);
    }

    private ChatCompletionResponse Respond(IReadOnlyList<Completion> completions, int promptTokens)
    {
        var choices = completions.Select((c, i) => new ChatChoice(i, new ChatMessageDto("assistant", c.Text), c.Truncated ? "length" : "stop")).ToList();
        int generated = completions.Sum(c => c.TokenIds.Count);
        return new ChatCompletionResponse("chatcmpl-" + Guid.NewGuid().ToString("N"), "chat.completion", DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            name, choices, new ChatUsage(promptTokens, generated, promptTokens + generated));
    }
}
