using Forge.Core;
using Forge.Core.Devices;
using Forge.Core.Distributed;
using Forge.Cuda.Nccl;
using TorchSharp;
using static TorchSharp.torch;

namespace Forge.Host.Hosting;

/// <summary>
/// One rank of a data-parallel job started by the launch contract (<see cref="DistributedEnvironment"/>): picks the
/// rank's GPU (LOCAL_RANK among the visible ones; the only one when each rank sees one), meets the other ranks at
/// MASTER_ADDR:MASTER_PORT (<see cref="TcpRendezvous"/>) for NCCL's unique id and joins the NCCL communicator. When
/// another rank is gone, or stalled for <c>Forge:CollectiveTimeout</c> (the rendezvous watchdog), this one prints one
/// line naming it and ends at once. Ranks train on CUDA devices only: a
/// CPU-only machine is told so, in one line.
/// </summary>
internal sealed class DistributedRun : IDisposable
{
    /// <summary>How long the ranks wait for each other at the rendezvous.</summary>
    public static readonly TimeSpan RendezvousTimeout = TimeSpan.FromMinutes(5);

    private readonly TcpRendezvous _rendezvous;
    private readonly NcclCommunicator _communicator;

    private DistributedRun(TcpRendezvous rendezvous, NcclCommunicator communicator)
    {
        _rendezvous = rendezvous;
        _communicator = communicator;
    }

    /// <summary>The job's communicator.</summary>
    public ICommunicator Communicator => _communicator;

    /// <summary>Joins the job the environment describes, or returns null when the process runs alone.</summary>
    public static DistributedRun? Start(TextWriter error, TimeSpan collectiveTimeout)
    {
        var environment = DistributedEnvironment.Read();
        if (environment is null) return null;
        Device probe;
        try
        {
            probe = DeviceSelector.Parse("cuda");
        }
        catch (ForgeDataException ex)
        {
            throw new ForgeDataException($"WORLD_SIZE {environment.WorldSize}: data-parallel ranks train on CUDA devices over NCCL, and {ex.Message}; on the CPU train in one process (without --nproc-per-node)");
        }
        int visible = (int)cuda.device_count();
        if (visible > 1 && environment.LocalRank >= visible)
            throw new ForgeDataException($"LOCAL_RANK {environment.LocalRank}: only {visible} CUDA devices are visible on this host");
        int index = visible == 1 ? 0 : environment.LocalRank;
        DeviceSelector.DefaultCudaIndex = index;
        var device = new Device(DeviceType.CUDA, index);
        _ = probe;
        NcclCommunicator? communicator = null;
        byte[]? id = null;
        var rendezvous = TcpRendezvous.Join(environment, () => id = NcclCommunicator.NewUniqueId(device), RendezvousTimeout, (rank, what) =>
        {
            error.WriteLine($"error: {what}; ending rank {environment.Rank}");
            ImmediateExit.Now(1);
        });
        try
        {
            communicator = new NcclCommunicator(environment.Rank, environment.WorldSize, device, id ?? rendezvous.Payload);
            var watched = communicator;
            rendezvous.StartWatchdog(() => watched.Progress, collectiveTimeout, watched.AsyncError);
            return new DistributedRun(rendezvous, communicator);
        }
        catch
        {
            rendezvous.Dispose();
            throw;
        }
    }

    /// <summary>This rank ended well: its exit is no failure to the others.</summary>
    public void Finished() => _rendezvous.Finished();

    /// <inheritdoc />
    public void Dispose()
    {
        _rendezvous.Dispose(); // its watchdog stops asking the communicator first
        _communicator.Dispose();
    }
}
