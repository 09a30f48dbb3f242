using System.ComponentModel;

namespace Forge.Plugins.Tasks;

/// <summary>
/// Maps a dataset's columns (section <c>PromptSources:dataset:Columns</c>). Unset, the prompt is the first of
/// <c>prompt</c>, <c>question</c>, <c>problem</c> and the answer the first of <c>answer</c>, <c>solution</c>, so
/// GSM8K, MATH, NuminaMath and OpenR1-Math need no mapping.
/// </summary>
public sealed class DatasetColumns
{
    /// <summary>The column holding the problem text (a string).</summary>
    [Description("Column holding the prompt, a string (default: the first of prompt, question, problem).")]
    public string? Prompt { get; set; }

    /// <summary>
    /// The column holding the gold answer, copied to <c>answer</c>: the text after <c>####</c> (GSM8K), else the last
    /// <c>\boxed{…}</c> (a MATH solution), else the whole value. Unset: <c>answer</c>, else the marked answer of
    /// <c>solution</c> (a solution that marks none gives no gold answer).
    /// </summary>
    [Description("Column holding the gold answer, copied to answer: text after #### (GSM8K), else the last \\boxed{} (MATH), else all of it (default: answer, else the marked answer of solution).")]
    public string? Answer { get; set; }

    /// <summary>The column holding a row's id (default <c>id</c> when present, else file name and row number).</summary>
    [Description("Column holding a row's id (default: id when present, else file:row).")]
    public string? Id { get; set; }

    /// <summary>The other columns passed on to rewards and written with completions; unset keeps them all.</summary>
    [Description("Other columns passed on to rewards and written with completions (e.g. [\"level\"]); unset keeps all.")]
    public List<string>? Keep { get; set; }
}
