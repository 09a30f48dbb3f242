namespace Forge.Core.Pipelines;

/// <summary>
/// A stage that trains with every rank of a data-parallel run (sft, distill, rl): each rank runs it on its share of the
/// data. Any other stage (rejection sampling, eval, score) runs on rank 0 alone while the other ranks wait for it.
/// </summary>
public interface IDataParallelStage : IStage
{
}
