namespace Forge.Core.Prompts;

/// <summary>
/// A prompt template: fixed text around each <c>{prompt}</c> placeholder. <see cref="Parse"/> reads a name or
/// format string from configuration: <c>r1</c> (the DeepSeek-R1 paper's template), <c>chatml</c> or
/// <c>chatml:SYSTEM TEXT</c> (<c>&lt;|im_start|&gt;</c> turns), or any text containing <c>{prompt}</c>.
/// </summary>
public sealed class PromptTemplate : IPromptTemplate
{
    /// <summary>The placeholder a format string holds.</summary>
    public const string Placeholder = "{prompt}";

    /// <summary>The template of DeepSeek-R1-Zero's training (paper, Table 1).</summary>
    public const string R1 =
        "A conversation between User and Assistant. The user asks a question, and the Assistant solves it. The assistant " +
        "first thinks about the reasoning process in the mind and then provides the user with the answer. The reasoning " +
        "process and answer are enclosed within <think> </think> and <answer> </answer> tags, respectively, i.e., " +
        "<think> reasoning process here </think> <answer> answer here </answer>. User: {prompt}. Assistant:";

    /// <summary>A single user turn in the ChatML format (Qwen's chat models), ready for the assistant's reply.</summary>
    public const string ChatMl = "<|im_start|>user\n{prompt}<|im_end|>\n<|im_start|>assistant\n";

    private readonly string[] _parts; // the fixed text between placeholders

    private PromptTemplate(string name, string[] parts)
    {
        Name = name;
        _parts = parts;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>A template from a format string holding <see cref="Placeholder"/> at least once.</summary>
    public static PromptTemplate FromFormat(string format, string name = "custom")
    {
        ArgumentNullException.ThrowIfNull(format);
        if (!format.Contains(Placeholder, StringComparison.Ordinal))
            throw new ForgeDataException($"prompt template \"{format}\": a format string needs a {Placeholder} placeholder");
        return new PromptTemplate(name, format.Split(Placeholder));
    }

    /// <summary>ChatML with an optional system turn; the system text is taken literally.</summary>
    public static PromptTemplate ChatMlWithSystem(string? system)
    {
        var parts = ChatMl.Split(Placeholder);
        if (!string.IsNullOrEmpty(system)) parts[0] = $"<|im_start|>system\n{system}<|im_end|>\n" + parts[0];
        return new PromptTemplate(string.IsNullOrEmpty(system) ? "chatml" : "chatml:" + system, parts);
    }

    /// <summary>
    /// <c>r1</c> (or <c>deepseek-r1</c>), <c>chatml</c>, <c>chatml:SYSTEM TEXT</c>, or a format string containing
    /// <c>{prompt}</c>. Names are case-insensitive.
    /// </summary>
    public static PromptTemplate Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        string name = spec.Trim().ToLowerInvariant();
        if (name is "r1" or "deepseek-r1") return FromFormat(R1, "r1");
        if (name == "chatml") return ChatMlWithSystem(null);
        if (spec.StartsWith("chatml:", StringComparison.OrdinalIgnoreCase)) return ChatMlWithSystem(spec["chatml:".Length..]);
        if (spec.Contains(Placeholder, StringComparison.Ordinal)) return FromFormat(spec);
        throw new ForgeDataException($"prompt template \"{spec}\": expected r1, chatml, chatml:SYSTEM or a format containing {Placeholder}");
    }

    /// <inheritdoc />
    public string Format(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        return string.Join(prompt, _parts);
    }
}
