namespace Forge.Contracts.Data;

/// <summary>A source of prompt rows: a generated task or a dataset file.</summary>
public interface IPromptSource
{
    /// <summary>The rows of <paramref name="split"/> (<c>train</c> or <c>test</c>), in a deterministic order for <paramref name="seed"/>.</summary>
    IEnumerable<PromptRow> Rows(string split, int seed);
}
