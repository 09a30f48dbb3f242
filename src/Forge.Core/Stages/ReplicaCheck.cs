using Forge.Core.Pipelines;
using Forge.Core.Training;
using Microsoft.Extensions.Logging;

namespace Forge.Core.Stages;

/// <summary>
/// At the end of a data-parallel training stage: every rank hashes its weights and the hashes are compared, so that
/// ranks that drifted apart (a gradient reduced on some ranks only, a nondeterministic update) end the run with one line
/// instead of a checkpoint of one rank's model. Rank 0 logs the common hash.
/// </summary>
internal static class ReplicaCheck
{
    public static void Verify(StageContext context, TrainingContext training, ILogger logger)
    {
        if (context.Communicator.WorldSize == 1) return;
        var hashes = training.ReplicaHashes();
        if (hashes.Distinct(StringComparer.Ordinal).Count() > 1)
            throw new InvalidOperationException($"{context.Name}: the data-parallel ranks' weights differ at the end of the stage (sha256 by rank: {string.Join(", ", hashes.Select(h => h[..16]))})");
        if (context.IsMain)
            logger.LogInformation("{Stage}: weights sha256 by rank {Hashes}: identical on all {Ranks} ranks", context.Name, string.Join(" ", hashes), hashes.Count);
    }
}
