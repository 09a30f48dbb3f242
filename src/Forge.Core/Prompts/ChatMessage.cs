namespace Forge.Core.Prompts;

/// <summary>One turn of a conversation: <c>system</c>, <c>user</c>, <c>assistant</c> (or <c>tool</c>) and its text.</summary>
public sealed record ChatMessage(string Role, string Content)
{
    /// <summary>A system turn.</summary>
    public static ChatMessage System(string content) => new("system", content);

    /// <summary>A user turn.</summary>
    public static ChatMessage User(string content) => new("user", content);

    /// <summary>An assistant turn.</summary>
    public static ChatMessage Assistant(string content) => new("assistant", content);
}
