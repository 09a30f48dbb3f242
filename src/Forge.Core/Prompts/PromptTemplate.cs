namespace Forge.Core.Prompts;

/// <summary>
/// Turns a problem into the text the model completes. Built-in: <c>r1</c> (the DeepSeek-R1 paper's template),
/// <c>chatml</c> (<c>&lt;|im_start|&gt;</c> turns); anything else is a format string with a <c>{prompt}</c> placeholder.
/// </summary>
public sealed class PromptTemplate
{
    /// <summary>The template of DeepSeek-R1-Zero's training (paper, Table 1).</summary>
    public const string R1 =
        "A conversation between User and Assistant. The user asks a question, and the Assistant solves it. The assistant " +
        "first thinks about the reasoning process in the mind and then provides the user with the answer. The reasoning " +
        "process and answer are enclosed within <think> </think> and <answer> </answer> tags, respectively, i.e., " +
        "<think> reasoning process here </think> <answer> answer here </answer>. User: {prompt}. Assistant:";

    /// <summary>A single user turn in the ChatML format, ready for the assistant's reply.</summary>
    public const string ChatMl = "<|im_start|>user\n{prompt}<|im_end|>\n<|im_start|>assistant\n";

    private readonly string _format;

    private PromptTemplate(string name, string format)
    {
        Name = name;
        _format = format;
    }

    /// <summary>The name or format it was made from.</summary>
    public string Name { get; }

    /// <summary>
    /// <c>r1</c>, <c>chatml</c>, <c>chatml:SYSTEM TEXT</c> (with a system turn) or a format string containing <c>{prompt}</c>.
    /// </summary>
    public static PromptTemplate Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec == "r1") return new PromptTemplate(spec, R1);
        if (spec == "chatml") return new PromptTemplate(spec, ChatMl);
        if (spec.StartsWith("chatml:", StringComparison.Ordinal))
            return new PromptTemplate(spec, $"<|im_start|>system\n{spec["chatml:".Length..]}<|im_end|>\n" + ChatMl);
        if (spec.Contains("{prompt}", StringComparison.Ordinal)) return new PromptTemplate("custom", spec);
        throw new ForgeDataException($"prompt template '{spec}': expected r1, chatml, chatml:SYSTEM or a format containing {{prompt}}");
    }

    /// <summary>The text for <paramref name="prompt"/>.</summary>
    public string Format(string prompt) => _format.Replace("{prompt}", prompt, StringComparison.Ordinal);
}
