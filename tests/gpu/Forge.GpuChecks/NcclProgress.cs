using System.Diagnostics;
using System.Text.Json;
using Forge.Cuda.Nccl;
using static TorchSharp.torch;

namespace Forge.GpuChecks;

/// <summary>
/// What the watchdog learns of a collective the GPU has not run yet, on one GPU (a job of one rank): an all-reduce
/// queued behind about two seconds of matrix products counts as entered and unfinished until the GPU reaches it, then
/// as finished; a barrier is entered and finished when it returns; NCCL reports no asynchronous error. One JSON line.
/// </summary>
internal static class NcclProgress
{
    public static int Run()
    {
        var device = CUDA;
        using var communicator = new NcclCommunicator(0, 1, device, NcclCommunicator.NewUniqueId(device));
        var before = communicator.Progress;
        using var a = randn([16384, 16384], ScalarType.BFloat16, device);
        using (var warm = a.mm(a)) { }
        cuda.synchronize();
        var clock = Stopwatch.StartNew();
        using (NewDisposeScope())
        {
            for (int i = 0; i < 150; i++) a.mm(a);
        }
        using var x = ones(1024, ScalarType.Float32, device);
        communicator.AllReduce(x);
        var queued = communicator.Progress;
        double launched = clock.Elapsed.TotalSeconds;
        while (communicator.Progress.Finished < 1 && clock.Elapsed < TimeSpan.FromSeconds(60)) Thread.Sleep(5);
        double finished = clock.Elapsed.TotalSeconds;
        cuda.synchronize();
        double synchronized = clock.Elapsed.TotalSeconds;
        communicator.Barrier();
        var after = communicator.Progress;
        string? asyncError = communicator.AsyncError(); // ncclCommGetAsyncError through its binding: none on a healthy job
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            before = new[] { before.Entered, before.Finished },
            queued = new[] { queued.Entered, queued.Finished },
            after_barrier = new[] { after.Entered, after.Finished },
            launched_s = Math.Round(launched, 3),
            finished_s = Math.Round(finished, 3),
            synchronized_s = Math.Round(synchronized, 3),
            sum = x.cpu().data<float>()[0],
            async_error = asyncError,
        }));
        return 0;
    }
}
