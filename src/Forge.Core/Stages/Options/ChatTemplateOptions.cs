using System.ComponentModel;
using System.Globalization;

namespace Forge.Core.Stages;

/// <summary>How <c>Template: chat</c> renders a prompt with the model's own chat template.</summary>
public sealed class ChatTemplateOptions
{
    /// <summary>A system turn before the user turn.</summary>
    [Description("System turn before each prompt's user turn (Template: chat)")]
    public string? System { get; set; }

    /// <summary>Qwen3's enable_thinking; unset leaves the template's default.</summary>
    [Description("enable_thinking passed to the chat template (Qwen3); unset: the template's default")]
    public bool? EnableThinking { get; set; }

    /// <summary>One template of a tokenizer_config.json that names several (default: <c>default</c>).</summary>
    [Description("Which named chat template of tokenizer_config.json to use when it lists several (default: default)")]
    public string? Name { get; set; }

    /// <summary>Further template variables (true/false and numbers are typed).</summary>
    [Description("Further variables for the chat template, as apply_chat_template's extra keywords (true/false and numbers typed)")]
    public Dictionary<string, string> Kwargs { get; set; } = [];

    /// <summary>The template's extra keywords: <see cref="Kwargs"/> typed, then <c>enable_thinking</c> when set.</summary>
    public Dictionary<string, object?> TemplateKwargs()
    {
        var kwargs = Kwargs.ToDictionary(kv => kv.Key, kv => Typed(kv.Value), StringComparer.Ordinal);
        if (EnableThinking is { } thinking) kwargs["enable_thinking"] = thinking;
        return kwargs;
    }

    private static object? Typed(string value) =>
        bool.TryParse(value, out bool b) ? (object)b
        : long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l) ? (object)l
        : double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? (object)d
        : value;
}
