using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Forge.Core.Configuration;

namespace Forge.Core.Stages;

/// <summary>Options of an <c>eval</c> stage: a model folder evaluated with the evaluation keys at the stage's level.</summary>
public sealed class EvalStageOptions : StageOptions
{
    /// <summary>The model folder.</summary>
    [Description("Model folder to evaluate (e.g. checkpoints/<stage>)")]
    [Required]
    [PathSetting]
    public string? Model { get; set; }

    /// <summary>Tokenizer override.</summary>
    [Description("Tokenizer path overriding the model's")]
    [PathSetting]
    public string? Tokenizer { get; set; }

    /// <summary>The evaluation keys, written beside the stage's own.</summary>
    [Flatten]
    public EvalOptions Evaluation { get; set; } = new();
}
