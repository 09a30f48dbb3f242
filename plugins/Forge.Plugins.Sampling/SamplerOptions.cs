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
}
