using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Forge.Plugins.Sampling;

/// <summary>Options of the <c>kv-cache</c> sampler (section <c>Samplers:kv-cache</c>).</summary>
public sealed class SamplerOptions
{
    /// <summary>Most sequences decoded together; larger requests run in chunks of this many rows.</summary>
    [Description("Most sequences decoded together; larger requests run in chunks of this many rows.")]
    [Range(1, 65536)]
    public int MaxBatchRows { get; set; } = 256;

    /// <summary>Whether generation keeps fixed shapes (<see cref="DecodeShapes"/>): Auto (on CUDA only), On or Off.</summary>
    [Description("Fixed shapes: prompts padded to a multiple of 32, finished rows kept until the rest fit a smaller batch bucket (Auto: on CUDA only, where each new attention shape costs a kernel plan)")]
    public FixedShapes FixedShapes { get; set; } = FixedShapes.Auto;

    /// <summary>Whether decoding steps are captured as CUDA graphs and replayed (<see cref="DecodeGraphs"/>).</summary>
    [Description("CUDA graphs: each decoding step captured once per batch bucket and replayed (one launch instead of ~600); needs fixed shapes and the native graph library, built on first use against the installed PyTorch (Auto: on CUDA; Off: eager; when unavailable one line says why and decoding runs eagerly)")]
    public CudaGraphMode CudaGraphs { get; set; } = CudaGraphMode.Auto;
}

/// <summary>When generation keeps fixed shapes.</summary>
public enum FixedShapes
{
    /// <summary>On CUDA devices only.</summary>
    Auto,

    /// <summary>Always.</summary>
    On,

    /// <summary>Never: the batch shrinks by every finished row.</summary>
    Off,
}

/// <summary>When decoding steps are replayed from CUDA graphs.</summary>
public enum CudaGraphMode
{
    /// <summary>On CUDA devices with fixed shapes, when the native graph library is available.</summary>
    Auto,

    /// <summary>Wherever possible; a line says why not where it is not.</summary>
    On,

    /// <summary>Never: every step launches its kernels one by one.</summary>
    Off,
}
