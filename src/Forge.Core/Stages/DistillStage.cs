using Forge.Core.Artifacts;
using Forge.Core.Devices;
using Forge.Core.Pipelines;
using Forge.Core.Plugins;
using Microsoft.Extensions.Logging;

namespace Forge.Core.Stages;

/// <summary>
/// <c>distill</c>: the sft loop learning from a <c>Teacher</c> (<see cref="DistillStageOptions"/>): from its logits
/// (<c>kd</c>, the default), or from its traces (<c>Distiller: sft</c>, when the teacher lends only its tokenizer).
/// </summary>
public sealed class DistillStage(IModelStore store, IPluginResolver plugins, ILogger<DistillStage> logger, IDeviceMemory? memory = null) : IDataParallelStage
{
    /// <inheritdoc />
    public StageResult Run(StageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var options = context.Options<DistillStageOptions>();
        return new SupervisedLoop(store, plugins, logger, memory).Run(context, options, options);
    }
}
