namespace Forge.Core.Configuration;

/// <summary>
/// The setting is a file or folder that must exist before the run starts — unless an earlier stage of the pipeline
/// writes it (<c>checkpoints/&lt;stage&gt;</c>, <c>data/&lt;stage&gt;.jsonl</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class PathSettingAttribute : Attribute
{
    /// <summary>A value that is not a path (e.g. <c>char</c> for a tokenizer).</summary>
    public string? Except { get; init; }
}
