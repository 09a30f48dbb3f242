using Forge.Core.Prompts;

namespace Forge.Core.Stages;

/// <summary>
/// The prompt template a stage's <c>Template</c> names: <c>chat</c> (or <c>chat:SYSTEM TEXT</c>) is the chat template
/// of the stage's tokenizer folder (its model's, or <c>Tokenizer</c>'s) with the <c>Chat</c> settings; anything else
/// is a <see cref="PromptTemplate"/> (<c>r1</c>, <c>chatml</c>, a format string).
/// </summary>
public static class StageTemplate
{
    /// <summary>Whether <paramref name="spec"/> names the model's own chat template.</summary>
    public static bool IsChat(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        string s = spec.Trim();
        return s.Equals("chat", StringComparison.OrdinalIgnoreCase) || s.StartsWith("chat:", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The template for <paramref name="model"/>; <paramref name="key"/> names the setting in errors.</summary>
    public static IPromptTemplate For(StageOptions options, StageModel model, string key)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(model);
        return Resolve(options.Template, options.Chat, model.TokenizerSource, key);
    }

    /// <summary>
    /// The template <paramref name="spec"/> names; <c>chat</c> reads the chat template beside
    /// <paramref name="tokenizerPath"/> (a tokenizer folder or a tokenizer.json in one).
    /// </summary>
    public static IPromptTemplate Resolve(string spec, ChatTemplateOptions chat, string? tokenizerPath, string key)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(chat);
        if (!IsChat(spec)) return PromptTemplate.Parse(spec);
        if (tokenizerPath is null)
            throw new ForgeDataException($"{key}: Template: chat needs a tokenizer folder with a chat template (a character tokenizer has none)");
        string? system = spec.Trim().Equals("chat", StringComparison.OrdinalIgnoreCase) ? chat.System : spec.TrimStart()["chat:".Length..];
        return new ChatPromptTemplate(ChatTemplate.Load(ChatTemplate.DirectoryOf(tokenizerPath), chat.Name), system, chat.TemplateKwargs());
    }

    /// <summary>
    /// The prompt text a stage's character tokenizer is built from, before any model exists; <c>chat</c> cannot build
    /// one (there is no template to render with), so it is refused here with the setting's name.
    /// </summary>
    public static Func<string, string> ForCorpus(StageOptions options, string key)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (IsChat(options.Template))
            return _ => throw new ForgeDataException($"{key}: Template: chat needs a tokenizer folder with a chat template (a character tokenizer has none)");
        var template = PromptTemplate.Parse(options.Template);
        return template.Format;
    }
}
