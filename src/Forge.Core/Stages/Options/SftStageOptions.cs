using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Forge.Contracts.Plugins;
using Forge.Core.Configuration;
using Forge.Core.Plugins;

namespace Forge.Core.Stages;

/// <summary>Options of an <c>sft</c> stage: supervised fine-tuning on (prompt, completion) traces.</summary>
public class SftStageOptions : TrainingStageOptions, IValidatableObject
{
    /// <summary>The trace file.</summary>
    [Description("Trace file (JSONL: prompt, completion); data/<stage>.jsonl of an earlier stage works. Give Data or PromptSource")]
    [PathSetting]
    public string? Data { get; set; }

    /// <summary>A prompt source whose rows carry the completion (<see cref="CompletionColumn"/>), instead of <see cref="Data"/>.</summary>
    [Description("Prompt source plugin whose train rows carry the completion in CompletionColumn, instead of Data (the dataset source reads Parquet or JSONL datasets). Give Data or PromptSource")]
    [PluginReference(PluginKind.PromptSource)]
    public PluginSelection? PromptSource { get; set; }

    /// <summary>The column of a <see cref="PromptSource"/> row that is the completion.</summary>
    [Description("With PromptSource: the column holding the completion, a string or a list of strings (its first; name[i] takes the i-th), e.g. solution or generations")]
    public string CompletionColumn { get; set; } = "completion";

    /// <summary>Traces per optimizer step.</summary>
    [Description("Traces per optimizer step")]
    [Range(1, 1 << 20)]
    public int BatchSize { get; set; } = 16;

    /// <summary>Passes over the traces (when MaxSteps is not set).</summary>
    [Description("Passes over the traces (when MaxSteps is not set)")]
    [Range(1, 1 << 20)]
    public int Epochs { get; set; } = 1;

    /// <summary>Optimizer steps; default Epochs × batches per epoch.</summary>
    [Description("Optimizer steps (default: Epochs × batches per epoch)")]
    [Range(1, int.MaxValue)]
    public int? MaxSteps { get; set; }

    /// <summary>Group traces of similar length into batches.</summary>
    [Description("Group traces of similar length into batches (less padding)")]
    public bool LengthBucketing { get; set; }

    /// <summary>The distiller plugin that turns a batch into a loss.</summary>
    [Description("Distiller plugin computing the loss")]
    [PluginReference(PluginKind.Distiller)]
    public PluginSelection Distiller { get; set; } = new("sft");

    /// <inheritdoc />
    public new IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var result in base.Validate(validationContext)) yield return result;
        if (Data is null && PromptSource is null)
            yield return new ValidationResult("missing: give Data (a trace file) or PromptSource (a dataset whose rows carry the completion)", [nameof(Data)]);
        else if (Data is not null && PromptSource is not null)
            yield return new ValidationResult("give Data or PromptSource, not both", [nameof(PromptSource)]);
    }
}
