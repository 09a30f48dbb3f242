using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Forge.Plugins.Tasks;

/// <summary>Options of <c>dataset</c> (section <c>PromptSources:dataset</c>).</summary>
public sealed class DatasetSourceOptions
{
    /// <summary>
    /// The dataset: a JSON Lines file, or a Parquet file (<c>.parquet</c>); a <c>*</c> or <c>?</c> in the file name
    /// reads every matching file in name order (<c>train-*.parquet</c>). The train split, or both when
    /// <see cref="TestPath"/> is empty.
    /// </summary>
    [Description("JSONL or Parquet (.parquet) file; * or ? in the file name reads all matches in name order (train-*.parquet). The train split, or both when TestPath is empty.")]
    public string Path { get; set; } = "";

    /// <summary>The test split's file(s), as <see cref="Path"/>; when empty, <see cref="TestPercent"/> of the rows are held out by hash.</summary>
    [Description("The test split's file(s), as Path; when empty, TestPercent of the rows are held out by a hash of SplitKey.")]
    public string? TestPath { get; set; }

    /// <summary>Held-out share when there is no test file, in percent.</summary>
    [Description("Held-out share when there is no test file, in percent.")]
    [Range(0, 90)]
    public int TestPercent { get; set; } = 10;

    /// <summary>The column whose value decides a row's split (a stable hash, the same on every machine); default the prompt.</summary>
    [Description("Column whose value decides a row's split by a stable hash (the same on every run and machine); default the prompt.")]
    public string? SplitKey { get; set; }

    /// <summary>Which columns are the prompt, the gold answer, the id, and which others rows carry.</summary>
    [Description("Which columns are the prompt, the gold answer and the id, and which others rows carry to rewards.")]
    public DatasetColumns Columns { get; set; } = new();

    /// <summary>Rows shuffled (seeded) through a buffer this big as they stream; 0 keeps file order.</summary>
    [Description("Rows shuffled (seeded) through a buffer this big as files stream; 0 keeps file order.")]
    [Range(0, 10_000_000)]
    public int ShuffleBuffer { get; set; } = 10_000;
}
