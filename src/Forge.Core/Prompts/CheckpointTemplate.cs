using System.Text.Json;
using System.Text.Json.Nodes;
using Forge.Core.Data;

namespace Forge.Core.Prompts;

/// <summary>
/// The prompt template a checkpoint was trained with, kept in <c>forge.json</c> (<c>{"prompt_template": "…"}</c>)
/// beside its config.json, so that <c>forge generate</c>, <c>serve</c> and <c>eval</c> prompt a model the way it
/// learned without being told. A model without one (downloaded from the Hub) falls back to its tokenizer's chat
/// template when that is ChatML (<c>tokenizer_config.json</c>'s <c>chat_template</c>), the one chat format Forge writes.
/// </summary>
public static class CheckpointTemplate
{
    /// <summary>The file beside config.json.</summary>
    public const string FileName = "forge.json";

    /// <summary>Its key naming the template (as <see cref="PromptTemplate.Parse"/> reads it).</summary>
    public const string Key = "prompt_template";

    /// <summary>Records <paramref name="template"/> in <paramref name="directory"/>'s forge.json, keeping its other keys.</summary>
    public static void Write(string directory, string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        string path = Path.Combine(directory, FileName);
        var json = Path.Exists(path) && TryParse(BoundedFile.ReadAllText(path, BoundedFile.SmallJsonBytes, FileName)) is JsonObject existing ? existing : new JsonObject();
        json[Key] = template;
        File.WriteAllText(path, json.ToJsonString(ForgeJson.Indented) + "\n");
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
    /// forge.json, else <c>chatml</c> when the tokenizer's chat template is ChatML, else the prompt as is; with its
    /// specification and where it came from.
    /// </summary>
    public static (PromptTemplate Template, string Spec, string Source) Choose(string? given, string modelDirectory, string? tokenizerPath)
    {
        if (given is not null) return (PromptTemplate.Parse(given), given, "--template");
        if (Read(modelDirectory) is { } recorded)
        {
            try
            {
                return (PromptTemplate.Parse(recorded), recorded, FileName);
            }
            catch (ForgeDataException ex)
            {
                throw new ForgeDataException($"{Path.Combine(modelDirectory, FileName)}: {ex.Message}", ex);
            }
        }
        string tokenizerDirectory = tokenizerPath is null ? modelDirectory
            : Directory.Exists(tokenizerPath) ? tokenizerPath : Path.GetDirectoryName(Path.GetFullPath(tokenizerPath))!;
        if (IsChatMl(ChatTemplate(tokenizerDirectory))) return (PromptTemplate.Parse("chatml"), "chatml", "tokenizer_config.json chat_template");
        return (PromptTemplate.Parse(PromptTemplate.Placeholder), PromptTemplate.Placeholder, "no template recorded");
    }

    /// <summary>tokenizer_config.json's <c>chat_template</c>: a string, or the one named <c>default</c> of a list.</summary>
    private static string? ChatTemplate(string directory)
    {
        string path = Path.Combine(directory, "tokenizer_config.json");
        if (!Path.Exists(path) || TryParse(BoundedFile.ReadAllText(path, BoundedFile.SmallJsonBytes, "tokenizer_config.json")) is not JsonObject config) return null;
        return config["chat_template"] switch
        {
            JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
            JsonArray list => list.OfType<JsonObject>().FirstOrDefault(t => t["name"]?.GetValueKind() == JsonValueKind.String
                && t["name"]!.GetValue<string>() == "default")?["template"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null,
            _ => null,
        };
    }

    private static bool IsChatMl(string? template) =>
        template is not null && template.Contains("<|im_start|>", StringComparison.Ordinal) && template.Contains("<|im_end|>", StringComparison.Ordinal);

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
