using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Forge.Contracts.Plugins;
using Forge.Core.Configuration;
using Forge.Core.Plugins;

namespace Forge.Core.Stages;

/// <summary>Options of a <c>distill</c> stage: an sft loop that learns from a teacher model.</summary>
public sealed class DistillStageOptions : SftStageOptions, IValidatableObject
{
    /// <summary>Creates the options with the distill defaults.</summary>
    public DistillStageOptions() => Distiller = new("kd");

    /// <summary>The teacher's model folder.</summary>
    [Description("Teacher model folder (its tokenizer serves a new student); needed unless Distiller is sft (traces alone)")]
    [PathSetting]
    public string? Teacher { get; set; }

    /// <summary>GKD's λ.</summary>
    [Description("Share of batches trained on the student's own samples (GKD's λ)")]
    [Range(0.0, 1.0)]
    public double OnPolicyShare { get; set; }

    /// <summary>Sampler for on-policy batches.</summary>
    [Description("Sampler plugin for on-policy batches")]
    [PluginReference(PluginKind.Sampler)]
    public PluginSelection Sampler { get; set; } = new("kv-cache");

    /// <summary>Load the teacher's weights (default: unless the distiller learns from traces alone).</summary>
    [Description("Load the teacher's weights (default: when the distiller is not sft)")]
    public bool? LoadTeacher { get; set; }

    /// <inheritdoc />
    public new IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var result in base.Validate(validationContext)) yield return result;
        if (Teacher is null && (LoadTeacher == true || Distiller.Plugin == "kd"))
            yield return new ValidationResult($"missing: the {Distiller.Plugin} distiller learns from a teacher model (Distiller: sft learns from the traces alone)", [nameof(Teacher)]);
    }
}
