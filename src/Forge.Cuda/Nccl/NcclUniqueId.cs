using System.Runtime.InteropServices;

namespace Forge.Cuda.Nccl;

/// <summary>NCCL's <c>ncclUniqueId</c>: 128 opaque bytes from rank 0 that name the job to <c>ncclCommInitRank</c> (passed by value).</summary>
[StructLayout(LayoutKind.Sequential, Size = Bytes)]
internal unsafe struct NcclUniqueId
{
    public const int Bytes = 128;

    public fixed byte Internal[Bytes];

    public static NcclUniqueId From(byte[] bytes)
    {
        if (bytes.Length != Bytes) throw new ArgumentException($"an NCCL unique id has {Bytes} bytes, not {bytes.Length}");
        var id = new NcclUniqueId();
        for (int i = 0; i < Bytes; i++) id.Internal[i] = bytes[i];
        return id;
    }

    public byte[] ToArray()
    {
        var bytes = new byte[Bytes];
        for (int i = 0; i < Bytes; i++) bytes[i] = Internal[i];
        return bytes;
    }
}
