using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Forge.Core.Rewards;

namespace Forge.Host.Hosting;

/// <summary>The host's own section, <c>Forge</c>: bound strictly, so that a misspelled key cannot switch a setting off.</summary>
internal sealed class ForgeOptions
{
    /// <summary>The pipeline <c>forge run</c> runs when none is named.</summary>
    [Description("Pipeline forge run runs when none is named")]
    public string? DefaultPipeline { get; set; }

    /// <summary>The run's seed when --seed is not given.</summary>
    [Description("Seed when --seed is not given")]
    public int Seed { get; set; }

    /// <summary>Extra plugin folders.</summary>
    [Description("Extra plugin folders (besides plugins/ beside the executable)")]
    public List<string> PluginDirectories { get; set; } = [];

    /// <summary>When non-empty, every plugin assembly must have one of these SHA-256 hashes.</summary>
    [Description("SHA-256 hashes of the plugin assemblies allowed to load (a list; empty allows all)")]
    public List<string> AllowedPluginSha256 { get; set; } = [];

    /// <summary>How reward failures are contained.</summary>
    [Description("Reward timeout and failure policy")]
    public RewardIsolationOptions RewardIsolation { get; set; } = new();
}
