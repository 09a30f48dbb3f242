using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Forge.Core.Adapters;

/// <summary>
/// A training stage's adapter (section <c>Adapter</c>): the base model stays frozen and only a LoRA update is trained,
/// saved in PEFT's format (<c>adapter_config.json</c>, <c>adapter_model.safetensors</c>).
/// </summary>
public sealed class AdapterOptions : IValidatableObject
{
    /// <summary>The names PEFT gives the decoder's projections, which <see cref="TargetModules"/> may list.</summary>
    public static readonly IReadOnlyList<string> KnownModules = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"];

    /// <summary>The adapter kind.</summary>
    [Description("Adapter kind: lora")]
    public AdapterKind Kind { get; set; } = AdapterKind.Lora;

    /// <summary>LoRA rank r.</summary>
    [Description("LoRA rank r (rows of lora_A, columns of lora_B)")]
    [Range(1, 4096)]
    public int Rank { get; set; } = 8;

    /// <summary>LoRA α: the update is scaled by α/r (α/√r with UseRslora).</summary>
    [Description("LoRA alpha: the update B·A is scaled by Alpha/Rank (Alpha/sqrt(Rank) with UseRslora)")]
    [Range(1e-6, 1e6)]
    public double Alpha { get; set; } = 16;

    /// <summary>Dropout on the LoRA branch's input while training.</summary>
    [Description("Dropout on the input of the LoRA branch while training (0: none)")]
    [Range(0.0, 0.99)]
    public double Dropout { get; set; }

    /// <summary>The projections that get an update.</summary>
    [Description("Projections that get an update: any of q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj")]
    public List<string> TargetModules { get; set; } = ["q_proj", "k_proj", "v_proj", "o_proj"];

    /// <summary>Rank-stabilised scaling α/√r.</summary>
    [Description("Rank-stabilised LoRA: scale by Alpha/sqrt(Rank) instead of Alpha/Rank")]
    public bool UseRslora { get; set; }

    /// <summary>Also write the base with the update merged in, as a plain model folder.</summary>
    [Description("Also write the merged model (base + update, a plain Hugging Face folder) to checkpoints/<stage>/merged at the end of the stage")]
    public bool Merge { get; set; }

    /// <summary>The update's scale.</summary>
    public double Scaling => UseRslora ? Alpha / Math.Sqrt(Rank) : Alpha / Rank;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (TargetModules.Count == 0)
            yield return new ValidationResult("name at least one projection (q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj)", [nameof(TargetModules)]);
        foreach (string name in TargetModules.Where(n => !KnownModules.Contains(n)))
            yield return new ValidationResult($"unknown module \"{name}\" (q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj)", [nameof(TargetModules)]);
        if (TargetModules.Distinct().Count() != TargetModules.Count)
            yield return new ValidationResult("a module is named twice", [nameof(TargetModules)]);
    }
}
