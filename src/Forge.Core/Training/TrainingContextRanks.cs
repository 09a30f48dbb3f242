using Forge.Core.Distributed;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Forge.Core.Training;

/// <summary>
/// Data parallelism in the training context: every rank holds the whole model, computes gradients on its own rows, and
/// the gradients are averaged over the ranks in float32 buckets (one all-reduce per bucket of at most
/// <see cref="BucketElements"/> elements) before clipping and the update, so every rank applies the same update to the
/// same weights. A gradient that exists on some rank only is taken as zero on the others; one that exists on none stays
/// absent (AdamW skips its parameter), as in one process. A non-finite loss on any rank skips the update on all.
/// </summary>
public sealed partial class TrainingContext
{
    /// <summary>Gradient elements per all-reduce (64 MiB of float32).</summary>
    public const int BucketElements = 16 << 20;

    private readonly ICommunicator _communicator;

    /// <inheritdoc />
    public int WorldSize => _communicator.WorldSize;

    /// <inheritdoc />
    public int Rank => _communicator.Rank;

    /// <summary>The communicator of the ranks training together (a single-process one by default).</summary>
    public ICommunicator Communicator => _communicator;

    /// <inheritdoc />
    public double[] SumOverRanks(params double[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return _communicator.AllReduceValues(values, ReduceOp.Sum);
    }

    /// <summary>
    /// The SHA-256 of every rank's policy weights (as float32, which holds bfloat16 and float16 exactly), by rank — a
    /// collective: data-parallel ranks must hold the same bits.
    /// </summary>
    public IReadOnlyList<string> ReplicaHashes()
    {
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        using (no_grad())
        {
            foreach (var parameter in Policy.Module.parameters())
            {
                using var values = parameter.detach().to(float32).cpu().contiguous();
                sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.data<float>().ToArray().AsSpan()));
            }
        }
        var digest = sha.GetHashAndReset();
        if (_communicator.WorldSize == 1) return [Convert.ToHexStringLower(digest)];
        using var scope = NewDisposeScope();
        var words = tensor(Enumerable.Range(0, 8).Select(i => (double)BitConverter.ToUInt32(digest, 4 * i)).ToArray(), float64).to(_communicator.Device);
        var all = zeros(8 * _communicator.WorldSize, float64, _communicator.Device);
        _communicator.AllGather(words, all);
        var values2 = all.cpu().data<double>().ToArray();
        return Enumerable.Range(0, _communicator.WorldSize)
            .Select(r => Convert.ToHexStringLower(values2.Skip(8 * r).Take(8).SelectMany(v => BitConverter.GetBytes((uint)v)).ToArray())).ToList();
    }

    /// <summary>Copies rank 0's parameters of <paramref name="module"/> into every other rank's.</summary>
    private void BroadcastFromMain(nn.Module module)
    {
        if (_communicator.WorldSize == 1) return;
        using var noGrad = no_grad();
        foreach (var parameter in module.parameters())
        {
            if (parameter.is_contiguous())
            {
                _communicator.Broadcast(parameter);
                continue;
            }
            using var staged = parameter.contiguous();
            _communicator.Broadcast(staged);
            parameter.copy_(staged);
        }
    }

    private void ReduceGradients(List<Parameter> parameters)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var device = parameters.Count > 0 ? parameters[0].device : _communicator.Device;
        // Which gradients exist anywhere, and whether any rank's loss was not finite.
        // Built on the host and copied once: an indexed write per parameter would launch a kernel for each.
        var local = new float[parameters.Count + 1];
        for (int i = 0; i < parameters.Count; i++)
            if (parameters[i].grad is not null) local[i] = 1;
        if (_nonFiniteLoss) local[parameters.Count] = 1;
        var flags = tensor(local, float32, device);
        _communicator.AllReduce(flags, ReduceOp.Max);
        var present = flags.cpu().data<float>().ToArray();
        _nonFiniteLoss = present[^1] > 0;
        var reduced = new List<Parameter>();
        for (int i = 0; i < parameters.Count; i++)
        {
            if (present[i] == 0) continue;
            var p = parameters[i];
            if (p.grad is null) p.grad = zeros_like(p).DetachFromDisposeScope();
            reduced.Add(p);
        }
        foreach (var bucket in Buckets(reduced))
        {
            var flat = cat(bucket.Select(p => p.grad!.reshape(-1).to(float32)).ToList());
            _communicator.AllReduce(flat, ReduceOp.Average);
            long offset = 0;
            foreach (var p in bucket)
            {
                var grad = p.grad!;
                grad.copy_(flat.narrow(0, offset, grad.numel()).view(grad.shape));
                offset += grad.numel();
            }
        }
    }

    /// <summary>Consecutive runs of parameters of at most <see cref="BucketElements"/> elements (a larger one alone).</summary>
    private static IEnumerable<List<Parameter>> Buckets(IEnumerable<Parameter> parameters)
    {
        var bucket = new List<Parameter>();
        long size = 0;
        foreach (var p in parameters)
        {
            if (bucket.Count > 0 && size + p.numel() > BucketElements)
            {
                yield return bucket;
                bucket = [];
                size = 0;
            }
            bucket.Add(p);
            size += p.numel();
        }
        if (bucket.Count > 0) yield return bucket;
    }
}
