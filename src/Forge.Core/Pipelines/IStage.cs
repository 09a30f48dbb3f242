namespace Forge.Core.Pipelines;

/// <summary>One kind of pipeline stage (sft, rl, rejection-sampling, distill, eval, score), registered by its kind name.</summary>
public interface IStage
{
    /// <summary>Runs the stage; artifacts go under <see cref="StageContext.RunDirectory"/>.</summary>
    StageResult Run(StageContext context);
}
