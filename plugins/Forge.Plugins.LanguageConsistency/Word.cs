namespace Forge.Plugins.LanguageConsistency;

/// <summary>A word of a chain of thought: where it is in the text, and its script.</summary>
internal readonly record struct Word(int Start, int Length, Script Script)
{
    /// <summary>The script family (the languages that may have written it).</summary>
    public ScriptFamily Family => Scripts.Family(Script);

    /// <summary>How much it counts towards the share (<see cref="Scripts.WordWeight"/>).</summary>
    public double Weight => Scripts.WordWeight(Script);
}
