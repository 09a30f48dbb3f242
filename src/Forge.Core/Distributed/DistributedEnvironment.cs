using System.Globalization;

namespace Forge.Core.Distributed;

/// <summary>
/// The launch contract torchrun, Slurm job scripts and Kubernetes training operators set up for every process of a
/// data-parallel job: <c>RANK</c> (0 … WORLD_SIZE − 1, over all hosts), <c>WORLD_SIZE</c>, <c>LOCAL_RANK</c> (the
/// process's index on its host, which picks its GPU), <c>MASTER_ADDR</c> and <c>MASTER_PORT</c> (where rank 0 listens
/// for the others: the rendezvous that hands out NCCL's unique id). Read once per process.
/// </summary>
/// <param name="Rank">This process's rank over the whole job.</param>
/// <param name="WorldSize">Processes in the job.</param>
/// <param name="LocalRank">This process's index on its host.</param>
/// <param name="MasterAddress">Rank 0's host name or address.</param>
/// <param name="MasterPort">Rank 0's rendezvous port.</param>
public sealed record DistributedEnvironment(int Rank, int WorldSize, int LocalRank, string MasterAddress, int MasterPort)
{
    /// <summary>The variables of the contract.</summary>
    public static readonly string[] Names = ["RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT"];

    /// <summary>True when the process was started as one rank of a job (WORLD_SIZE or RANK is set).</summary>
    public static bool IsSet(Func<string, string?>? variables = null)
    {
        variables ??= Environment.GetEnvironmentVariable;
        return !string.IsNullOrEmpty(variables("WORLD_SIZE")) || !string.IsNullOrEmpty(variables("RANK"));
    }

    /// <summary>This process's rank when it is one of a job, else 0 (no checks: for choosing what to show).</summary>
    public static int RankOrZero(Func<string, string?>? variables = null)
    {
        variables ??= Environment.GetEnvironmentVariable;
        return int.TryParse(variables("RANK"), NumberStyles.None, CultureInfo.InvariantCulture, out int rank) ? rank : 0;
    }

    /// <summary>
    /// The contract from <paramref name="variables"/> (default: the process environment), or null when no job is
    /// set up or its world has one rank; a missing or malformed variable is one line naming it.
    /// </summary>
    /// <exception cref="ForgeDataException">A variable is missing or out of range.</exception>
    public static DistributedEnvironment? Read(Func<string, string?>? variables = null)
    {
        variables ??= Environment.GetEnvironmentVariable;
        if (!IsSet(variables)) return null;
        int worldSize = Integer(variables, "WORLD_SIZE", 1, 65536, "the number of ranks");
        int rank = Integer(variables, "RANK", 0, worldSize - 1, $"from 0 to WORLD_SIZE − 1 = {worldSize - 1}");
        if (worldSize == 1) return null;
        int localRank = string.IsNullOrEmpty(variables("LOCAL_RANK")) ? rank : Integer(variables, "LOCAL_RANK", 0, worldSize - 1, $"from 0 to {worldSize - 1}");
        string address = variables("MASTER_ADDR") is { Length: > 0 } a ? a
            : throw new ForgeDataException($"environment MASTER_ADDR: not set (WORLD_SIZE is {worldSize}); set it to rank 0's host, as torchrun does");
        int port = Integer(variables, "MASTER_PORT", 1, 65535, "a TCP port");
        return new DistributedEnvironment(rank, worldSize, localRank, address, port);
    }

    private static int Integer(Func<string, string?> variables, string name, int min, int max, string meaning)
    {
        string? text = variables(name);
        if (string.IsNullOrEmpty(text))
            throw new ForgeDataException($"environment {name}: not set ({string.Join(", ", Names)} describe a data-parallel job; torchrun sets them)");
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < min || value > max)
            throw new ForgeDataException($"environment {name}: '{text}' is not an integer {min}–{max} ({meaning})");
        return value;
    }
}
