namespace Forge.Core.Prompts;

/// <summary>Turns a problem into the text a model completes.</summary>
public interface IPromptTemplate
{
    /// <summary>What the template was made from: a built-in name or "custom".</summary>
    string Name { get; }

    /// <summary>The text for <paramref name="prompt"/>, inserted verbatim.</summary>
    string Format(string prompt);
}
