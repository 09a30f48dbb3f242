using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Forge.Contracts.Plugins;
using Forge.Core.Configuration;
using Forge.Core.Plugins;

namespace Forge.Core.Stages;

/// <summary>Options of an <c>sft</c> stage: supervised fine-tuning on (prompt, completion) traces.</summary>
public class SftStageOptions : TrainingStageOptions
{
    /// <summary>The trace file.</summary>
    [Description("Trace file (JSONL: prompt, completion); data/<stage>.jsonl of an earlier stage works")]
    [Required]
    [PathSetting]
    public string? Data { get; set; }

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
}
