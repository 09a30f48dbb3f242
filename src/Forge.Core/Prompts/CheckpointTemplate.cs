using System.Text.Json;
using System.Text.Json.Nodes;
using Forge.Core.Data;
using Forge.Core.Stages;

namespace Forge.Core.Prompts;

/// <summary>
/// The prompt template a checkpoint was trained with, kept in <c>forge.json</c> (<c>{"prompt_template": "…"}</c>, and
/// <c>"chat_template_options"</c> for <c>chat</c>) beside its config.json, so that <c>forge generate</c>, <c>serve</c>
/// and <c>eval</c> prompt a model the way it learned without being told. A model without one (downloaded from the Hub)
/// uses its own chat template (<c>chat</c>: <c>chat_template.jinja</c> or <c>tokenizer_config.json</c>'s
/// <c>chat_template</c>) when it has one, else the prompt as is.
/// </summary>
public static class CheckpointTemplate
{
    /// <summary>The file beside config.json.</summary>
    public const string FileName = "forge.json";

    /// <summary>Its key naming the template (as <see cref="PromptTemplate.Parse"/> reads it).</summary>
    public const string Key = "prompt_template";

    /// <summary>Its key holding the <c>Chat</c> settings of a <c>chat</c> template.</summary>
    public const string ChatKey = "chat_template_options";

    /// <summary>
    /// Records <paramref name="template"/> (and for <c>chat</c> its <paramref name="chat"/> settings) in
    /// <paramref name="directory"/>'s forge.json, keeping its other keys.
    /// </summary>
    public static void Write(string directory, string template, ChatTemplateOptions? chat = null)
    {
        ArgumentNullException.ThrowIfNull(template);
        string path = Path.Combine(directory, FileName);
        var json = Path.Exists(path) && TryParse(BoundedFile.ReadAllText(path, BoundedFile.SmallJsonBytes, FileName)) is JsonObject existing ? existing : new JsonObject();
        json[Key] = template;
        json.Remove(ChatKey);
        if (StageTemplate.IsChat(template) && chat is not null)
            json[ChatKey] = JsonSerializer.SerializeToNode(chat, ForgeJson.Compact);
        File.WriteAllText(path, json.ToJsonString(ForgeJson.Indented) + "\n");
    }

    /// <summary>The <c>Chat</c> settings recorded in <paramref name="modelDirectory"/>, or defaults when none are.</summary>
    public static ChatTemplateOptions ReadChat(string modelDirectory)
    {
        string path = Path.Combine(modelDirectory, FileName);
        if (!Path.Exists(path) || TryParse(BoundedFile.ReadAllText(path, BoundedFile.SmallJsonBytes, FileName)) is not JsonObject json
            || json[ChatKey] is not JsonObject chat) return new ChatTemplateOptions();
        try
        {
            return chat.Deserialize<ChatTemplateOptions>(ForgeJson.Compact) ?? new ChatTemplateOptions();
        }
        catch (JsonException ex)
        {
            throw new ForgeDataException($"{path}: {ChatKey}: {ex.Message}", ex);
        }
    }

    /// <summary>The template recorded in <paramref name="modelDirectory"/>, or null when it has none.</summary>
    public static string? Read(string modelDirectory)
    {
        string path = Path.Combine(modelDirectory, FileName);
        if (!Path.Exists(path)) return null;
        if (TryParse(BoundedFile.ReadAllText(path, BoundedFile.SmallJsonBytes, FileName)) is not JsonObject json)
            throw new ForgeDataException($"{path}: not a JSON object");
        if (!json.TryGetPropertyValue(Key, out var value) || value is null) return null;
        return value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>()
            : throw new ForgeDataException($"{path}: {Key} must be a string");
    }

    /// <summary>
    /// The template for a model folder: <paramref name="given"/> (<c>--template</c>) when set, else the checkpoint's
    /// forge.json, else <c>chat</c> when the tokenizer folder has a chat template, else the prompt as is; with its
    /// specification and where it came from. <c>chat</c> takes the settings forge.json records.
    /// </summary>
    public static (IPromptTemplate Template, string Spec, string Source) Choose(string? given, string modelDirectory, string? tokenizerPath)
    {
        string tokenizerDirectory = tokenizerPath is null ? modelDirectory : ChatTemplate.DirectoryOf(tokenizerPath);
        IPromptTemplate Resolve(string spec, string what) =>
            StageTemplate.Resolve(spec, ReadChat(modelDirectory), tokenizerDirectory, what);
        if (given is not null) return (Resolve(given, "--template"), given, "--template");
        if (Read(modelDirectory) is { } recorded)
        {
            try
            {
                return (Resolve(recorded, Path.Combine(modelDirectory, FileName)), recorded, FileName);
            }
            catch (ForgeDataException ex) when (!StageTemplate.IsChat(recorded))
            {
                throw new ForgeDataException($"{Path.Combine(modelDirectory, FileName)}: {ex.Message}", ex);
            }
        }
        if (ChatTemplate.TryLoad(tokenizerDirectory) is { } chat)
            return (new ChatPromptTemplate(chat), "chat",
                chat.Source.EndsWith(ChatTemplate.JinjaFile, StringComparison.Ordinal) ? ChatTemplate.JinjaFile : ChatTemplate.ConfigFile + " chat_template");
        return (PromptTemplate.Parse(PromptTemplate.Placeholder), PromptTemplate.Placeholder, "no template recorded");
    }

    private static JsonNode? TryParse(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
