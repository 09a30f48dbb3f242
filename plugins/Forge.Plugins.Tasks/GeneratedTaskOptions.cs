using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Forge.Plugins.Tasks;

/// <summary>Options shared by generated tasks.</summary>
public class GeneratedTaskOptions
{
    /// <summary>Share of the problem space held out for the test split, in percent.</summary>
    [Description("Share of the problem space held out for the test split, in percent.")]
    [Range(1, 90)]
    public int TestPercent { get; set; } = 20;

    /// <summary>Upper bound on distinct rows a split yields (generation stops early if the space runs out).</summary>
    [Description("Upper bound on distinct rows a split yields (generation stops early if the space runs out).")]
    [Range(1, 10_000_000)]
    public int MaxRows { get; set; } = 100_000;
}
