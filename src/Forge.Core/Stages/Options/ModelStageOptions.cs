using System.ComponentModel;
using Forge.Core.Configuration;
using Microsoft.Extensions.Configuration;

namespace Forge.Core.Stages;

/// <summary>Stages that train a model: where it comes from, and how it is trained and sampled.</summary>
public abstract class TrainingStageOptions : StageOptions, System.ComponentModel.DataAnnotations.IValidatableObject
{
    /// <summary>A Hugging Face model folder (relative paths resolve against the run folder first).</summary>
    [Description("Model folder to start from (relative paths resolve against the run folder first, e.g. checkpoints/<stage>)")]
    [PathSetting]
    public string? Model { get; set; }

    /// <summary>config.json keys of a model trained from scratch.</summary>
    [Description("config.json keys of a new model trained from scratch (instead of Model)")]
    public IConfigurationSection? NewModel { get; set; }

    /// <summary>A tokenizer path, or <c>char</c>.</summary>
    [Description("Tokenizer: a tokenizer.json path or folder, or char (built from the stage's text); default: the model's")]
    [PathSetting(Except = "char")]
    public string? Tokenizer { get; set; }

    /// <summary>Optimizer settings.</summary>
    [Description("AdamW, schedule, clipping and micro-batching")]
    public Training.TrainingOptions Training { get; set; } = new();

    /// <summary>Sampling settings.</summary>
    [Description("How completions are sampled")]
    public GenerationOptions Generation { get; set; } = new();

    /// <summary>Train a LoRA adapter on the frozen model instead of every weight.</summary>
    [Description("Train a LoRA adapter on the frozen Model instead of every weight (Kind, Rank, Alpha, Dropout, TargetModules, UseRslora, Merge); saved in PEFT's format; an rl stage's reference is then the frozen base itself")]
    public Adapters.AdapterOptions? Adapter { get; set; }

    /// <summary>Step checkpoints every N steps; 0 only at the end and on a stop.</summary>
    [Description("Write a step checkpoint every N steps (0: only when stopped)")]
    [System.ComponentModel.DataAnnotations.Range(0, int.MaxValue)]
    public int CheckpointEvery { get; set; }

    /// <summary>Held-out evaluation every N steps as well as after the stage; 0 only after it.</summary>
    [Description("Run the held-out Eval every N steps as well (0: only after the stage); recorded as eval/pass_at_1 and eval/cons_at_k at that step")]
    [System.ComponentModel.DataAnnotations.Range(0, int.MaxValue)]
    public int EvalEvery { get; set; }

    /// <summary>Step checkpoints kept.</summary>
    [Description("Step checkpoints kept (older ones are deleted)")]
    [System.ComponentModel.DataAnnotations.Range(1, 1000)]
    public int KeepCheckpoints { get; set; } = 2;

    /// <inheritdoc />
    public IEnumerable<System.ComponentModel.DataAnnotations.ValidationResult> Validate(System.ComponentModel.DataAnnotations.ValidationContext validationContext)
    {
        if (Model is null && NewModel is null)
            yield return new("give Model (a checkpoint folder) or NewModel (a config to train from scratch)", [nameof(Model)]);
        else if (Model is not null && NewModel is not null)
            yield return new("give Model or NewModel, not both", [nameof(NewModel)]);
        if (Adapter is not null && NewModel is not null)
            yield return new("an adapter trains on top of a given Model; a NewModel trains all its weights (drop Adapter or give Model)", [nameof(Adapter)]);
        // Recomputing a layer in backward would draw another dropout mask than its forward pass used.
        if (Adapter is { Dropout: > 0 } && Training.ActivationCheckpointing)
            yield return new("Dropout above 0 cannot be combined with Training:ActivationCheckpointing (the recomputed layer would draw another mask); set one of them off",
                [$"{nameof(Adapter)}:{nameof(Adapter.Dropout)}"]);
        // AdamW's ε (1e-8) is 0 in float16, so its state there divides by zero; bfloat16 has float32's range.
        if (!Training.MasterWeights && DType is "float16" or "fp16" or "half")
            yield return new("false needs DType bfloat16 or float32: AdamW's state in float16 underflows (its epsilon, 1e-8, is 0 there)",
                [$"{nameof(Training)}:{nameof(Training.MasterWeights)}"]);
    }
}
