using Forge.Core.Artifacts;
using Forge.Core.Devices;
using Forge.Core.Pipelines;
using Forge.Core.Plugins;
using Microsoft.Extensions.Logging;

namespace Forge.Core.Stages;

/// <summary><c>sft</c>: fine-tunes a model on (prompt, completion) traces (<see cref="SftStageOptions"/>, <see cref="SupervisedLoop"/>).</summary>
public sealed class SftStage(IModelStore store, IPluginResolver plugins, ILogger<SftStage> logger, IDeviceMemory? memory = null) : IDataParallelStage
{
    /// <inheritdoc />
    public StageResult Run(StageContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new SupervisedLoop(store, plugins, logger, memory).Run(context, context.Options<SftStageOptions>(), null);
    }
}
