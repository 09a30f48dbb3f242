namespace Forge.Core.Prompts;

/// <summary>
/// <c>Template: chat</c>: a prompt becomes a user turn (after an optional system turn) of the model's own chat template,
/// rendered with <c>add_generation_prompt=True</c>. For supervised training the completion is the assistant turn as the
/// template writes it after that prompt (TRL's prompt-completion SFT): the full conversation's rendering past the
/// prompt's, end-of-turn tokens included.
/// </summary>
public sealed class ChatPromptTemplate(ChatTemplate template, string? system = null, IReadOnlyDictionary<string, object?>? kwargs = null) : IPromptTemplate
{
    /// <inheritdoc />
    public string Name => "chat";

    /// <summary>The checkpoint template it renders with.</summary>
    public ChatTemplate Template { get; } = template;

    /// <inheritdoc />
    public string Format(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        return Template.Render(Turns(prompt), addGenerationPrompt: true, kwargs);
    }

    /// <summary>
    /// A whole conversation (a chat request's messages) ready for the assistant's reply; the configured system turn
    /// leads when the conversation has none.
    /// </summary>
    public string FormatConversation(IReadOnlyList<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var turns = !string.IsNullOrEmpty(system) && !messages.Any(m => m.Role == "system") ? [ChatMessage.System(system), .. messages] : messages.ToList();
        return Template.Render(turns, addGenerationPrompt: true, kwargs);
    }

    /// <summary>
    /// The text a model is trained to produce after <see cref="Format"/>(<paramref name="prompt"/>): the rendering of the
    /// conversation ending in the assistant turn <paramref name="completion"/>, past the prompt's rendering. A template
    /// that rewrites the last turn so that the prompt is no prefix of it (DeepSeek-R1's drops the reasoning) gives null:
    /// the caller then trains on the completion as generated.
    /// </summary>
    public string? Completion(string prompt, string completion)
    {
        ArgumentNullException.ThrowIfNull(completion);
        string head = Format(prompt);
        string full = Template.Render([.. Turns(prompt), ChatMessage.Assistant(completion)], addGenerationPrompt: false, kwargs);
        return full.StartsWith(head, StringComparison.Ordinal) ? full[head.Length..] : null;
    }

    private List<ChatMessage> Turns(string prompt) =>
        string.IsNullOrEmpty(system) ? [ChatMessage.User(prompt)] : [ChatMessage.System(system), ChatMessage.User(prompt)];
}
