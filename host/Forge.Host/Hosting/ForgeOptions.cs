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

    /// <summary>When non-empty, every file in every plugin folder must have one of these SHA-256 hashes (<c>forge plugins --sha256</c>).</summary>
    [Description("SHA-256 hashes every file in a plugin folder must have (a list, from forge plugins --sha256; empty allows all)")]
    public List<string> AllowedPluginSha256 { get; set; } = [];

    /// <summary>Deterministic kernels on CUDA (<see cref="Forge.Core.Devices.Determinism"/>).</summary>
    [Description("Bit-for-bit repeatable CUDA runs: libtorch's deterministic algorithms (warning where an op has none) and CUBLAS_WORKSPACE_CONFIG=:4096:8; slower. The CPU is deterministic either way")]
    public bool Deterministic { get; set; }

    /// <summary>Whether decoding on CUDA uses Forge's fused kernels (<c>Forge.Cuda</c>'s native library).</summary>
    [Description("Fused CUDA decoding kernels (add + RMSNorm, SiLU·up, rotary + cache write, token pick), built with the CUDA-graph library where nvcc is found; false decodes with libtorch's kernels only")]
    public bool FusedKernels { get; set; } = true;

    /// <summary>How long a data-parallel run's ranks wait for a rank that holds them up in a collective, or for a collective every rank entered to finish (zero: for ever).</summary>
    [Description("How long the ranks of a data-parallel run wait for a rank that holds them up in a collective, or that is silent, or for a collective every rank entered to finish, before the job ends naming it (10m, 1h; 0 waits for ever). A wait at a stage boundary while rank 0 works alone is not timed")]
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan CollectiveTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How reward failures are contained.</summary>
    [Description("Reward timeout and failure policy")]
    public RewardIsolationOptions RewardIsolation { get; set; } = new();
}
