using System.Text.Json;
using System.Text.Json.Nodes;
using Forge.Core.Data;
using Forge.Core.Prompts.Jinja;

namespace Forge.Core.Prompts;

/// <summary>
/// A checkpoint's own chat template, rendered as transformers' <c>apply_chat_template</c> renders it: the Jinja text of
/// <c>chat_template.jinja</c> beside <c>tokenizer_config.json</c>, else that config's <c>chat_template</c> (a string, or a
/// list of named templates of which <c>default</c> is taken unless another is named); the template sees
/// <c>messages</c>, <c>tools</c>, <c>documents</c>, <c>add_generation_prompt</c>, the config's special tokens
/// (<c>bos_token</c>, <c>eos_token</c>, <c>unk_token</c>, <c>pad_token</c>… as text; <c>additional_special_tokens</c>;
/// <c>special_tokens_map.json</c> beside it fills those the config leaves out)
/// and any extra keyword (<c>enable_thinking</c>).
/// </summary>
public sealed class ChatTemplate
{
    /// <summary>The config file holding the template or the special tokens.</summary>
    public const string ConfigFile = "tokenizer_config.json";

    /// <summary>The file transformers saves a template to.</summary>
    public const string JinjaFile = "chat_template.jinja";

    private static readonly string[] SpecialTokenKeys = ["bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token"];

    private readonly JinjaTemplate _template;
    private readonly Dictionary<string, object?> _specialTokens;

    private ChatTemplate(JinjaTemplate template, Dictionary<string, object?> specialTokens)
    {
        _template = template;
        _specialTokens = specialTokens;
    }

    /// <summary>Where the template came from (a file, and its key).</summary>
    public string Source => _template.Name;

    /// <summary>The special tokens the template sees, by their transformers names.</summary>
    public IReadOnlyDictionary<string, object?> SpecialTokens => _specialTokens;

    /// <summary>The tokenizer folder of a tokenizer path (a folder, or a tokenizer.json in one).</summary>
    public static string DirectoryOf(string tokenizerPath) =>
        Directory.Exists(tokenizerPath) ? tokenizerPath : Path.GetDirectoryName(Path.GetFullPath(tokenizerPath))!;

    /// <summary>
    /// The chat template of the tokenizer folder <paramref name="directory"/>; a missing one is one error naming the
    /// file that should hold it.
    /// </summary>
    public static ChatTemplate Load(string directory, string? name = null) =>
        TryLoad(directory, name) ?? throw new ForgeDataException(
            $"{Path.Combine(directory, ConfigFile)}: no chat_template (nor a {JinjaFile} beside it); Template: chat needs the model's chat template — name one of r1, chatml or a format with {{prompt}} instead");

    /// <summary>The chat template of <paramref name="directory"/>, or null when it has none.</summary>
    public static ChatTemplate? TryLoad(string directory, string? name = null)
    {
        string configPath = Path.Combine(directory, ConfigFile), jinjaPath = Path.Combine(directory, JinjaFile);
        JsonObject? config = null;
        if (Path.Exists(configPath))
        {
            try
            {
                config = JsonNode.Parse(BoundedFile.ReadAllText(configPath, BoundedFile.SmallJsonBytes, ConfigFile)) as JsonObject
                    ?? throw new ForgeDataException($"{configPath}: not a JSON object");
            }
            catch (JsonException ex)
            {
                throw new ForgeDataException($"{configPath}: {ex.Message}", ex);
            }
        }
        JinjaTemplate? template = null;
        if (name is null && Path.Exists(jinjaPath))
            template = JinjaTemplate.Parse(BoundedFile.ReadAllText(jinjaPath, BoundedFile.SmallJsonBytes, JinjaFile), jinjaPath);
        else if (config?["chat_template"] is { } node)
            template = FromConfig(node, name, configPath);
        if (template is null)
        {
            if (name is not null) throw new ForgeDataException($"{configPath}: no chat template named '{name}'");
            return null;
        }
        return new ChatTemplate(template, SpecialTokensOf(config, SpecialTokensMap(directory)));
    }

    /// <summary>special_tokens_map.json, where older checkpoints keep the special tokens transformers passes on.</summary>
    private static JsonObject? SpecialTokensMap(string directory)
    {
        string path = Path.Combine(directory, "special_tokens_map.json");
        if (!Path.Exists(path)) return null;
        try
        {
            return JsonNode.Parse(BoundedFile.ReadAllText(path, BoundedFile.SmallJsonBytes, "special_tokens_map.json")) as JsonObject;
        }
        catch (JsonException ex)
        {
            throw new ForgeDataException($"{path}: {ex.Message}", ex);
        }
    }

    /// <summary>A template from its text (tests, or a template given inline), with its special tokens.</summary>
    public static ChatTemplate FromText(string text, string name, IReadOnlyDictionary<string, string>? specialTokens = null) =>
        new(JinjaTemplate.Parse(text, name), specialTokens?.ToDictionary(kv => kv.Key, kv => (object?)kv.Value) ?? []);

    private static JinjaTemplate? FromConfig(JsonNode node, string? name, string path)
    {
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String)
            return name is null or "default" ? JinjaTemplate.Parse(v.GetValue<string>(), path + " chat_template") : null;
        if (node is not JsonArray list) throw new ForgeDataException($"{path}: chat_template must be a string or a list of {{name, template}}");
        string wanted = name ?? "default";
        foreach (var entry in list)
        {
            if (entry is not JsonObject o || o["name"]?.GetValueKind() != JsonValueKind.String || o["template"]?.GetValueKind() != JsonValueKind.String)
                throw new ForgeDataException($"{path}: each chat_template entry needs a string name and template");
            if (o["name"]!.GetValue<string>() == wanted)
                return JinjaTemplate.Parse(o["template"]!.GetValue<string>(), $"{path} chat_template[{wanted}]");
        }
        return name is null
            ? throw new ForgeDataException($"{path}: chat_template has no template named 'default' (it has {string.Join(", ", list.OfType<JsonObject>().Select(o => o["name"]?.ToString()))})")
            : null;
    }

    /// <summary>The config's special tokens as text; special_tokens_map.json fills the ones the config leaves out.</summary>
    private static Dictionary<string, object?> SpecialTokensOf(JsonObject? config, JsonObject? map)
    {
        var tokens = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (string key in SpecialTokenKeys)
            if ((config is not null && config.ContainsKey(key) ? TokenText(config[key]) : TokenText(map?[key])) is { } text) tokens[key] = text;
        var extra = config?["additional_special_tokens"] as JsonArray ?? map?["additional_special_tokens"] as JsonArray;
        if (extra is { Count: > 0 }) tokens["additional_special_tokens"] = extra.Select(t => (object?)TokenText(t)).ToList();
        return tokens;
    }

    /// <summary>A special token's text: a string, or the <c>content</c> of an AddedToken object.</summary>
    private static string? TokenText(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonObject o when o["content"] is JsonValue c && c.GetValueKind() == JsonValueKind.String => c.GetValue<string>(),
        _ => null,
    };

    /// <summary>Renders <paramref name="messages"/>; <paramref name="kwargs"/> are extra template variables (<c>enable_thinking</c>).</summary>
    public string Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt, IReadOnlyDictionary<string, object?>? kwargs = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages.Select(m => (object?)new JinjaDict { ["role"] = m.Role, ["content"] = m.Content }).ToList();
        return RenderValues(list, null, addGenerationPrompt, kwargs);
    }

    /// <summary>
    /// Renders messages given as JSON (OpenAI-style: <c>role</c>, <c>content</c>, optional <c>tool_calls</c>…) and
    /// optional <paramref name="tools"/> (JSON schemas).
    /// </summary>
    public string Render(JsonArray messages, bool addGenerationPrompt, JsonArray? tools = null, IReadOnlyDictionary<string, object?>? kwargs = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return RenderValues((List<object?>)JinjaTemplate.FromJson(messages)!, tools is null ? null : JinjaTemplate.FromJson(tools), addGenerationPrompt, kwargs);
    }

    private string RenderValues(List<object?> messages, object? tools, bool addGenerationPrompt, IReadOnlyDictionary<string, object?>? kwargs)
    {
        var variables = new Dictionary<string, object?>(_specialTokens, StringComparer.Ordinal)
        {
            ["messages"] = messages,
            ["tools"] = tools,
            ["documents"] = null,
            ["add_generation_prompt"] = addGenerationPrompt,
        };
        if (kwargs is not null)
            foreach (var (key, value) in kwargs) variables[key] = value is JsonNode node ? JinjaTemplate.FromJson(node) : value;
        return _template.Render(variables);
    }
}
