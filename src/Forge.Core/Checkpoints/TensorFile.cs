using static TorchSharp.torch;

namespace Forge.Core.Checkpoints;

/// <summary>
/// A safetensors file of arbitrary named tensors, each in its own dtype (optimizer moments, master weights, a value
/// head): the training state beside a step checkpoint's model. Reading goes through the same validated header as model
/// loading, so a damaged state file is one clear line too.
/// </summary>
public static class TensorFile
{
    /// <summary>Writes <paramref name="tensors"/> to <paramref name="path"/> atomically and flushed to disk.</summary>
    public static void Write(string path, IReadOnlyList<(string Name, Tensor Tensor)> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var entries = new List<SafetensorsEntry>(tensors.Count);
        long offset = 0;
        foreach (var (name, tensor) in tensors)
        {
            int size = SafetensorsDType.Size(tensor.dtype);
            long bytes = tensor.NumberOfElements * size;
            entries.Add(new SafetensorsEntry(name, tensor.dtype, size, tensor.shape, offset, offset + bytes));
            offset += bytes;
        }
        CheckpointWriter.WriteAtomically(path, stream =>
        {
            byte[] header = SafetensorsHeader.Encode(entries);
            stream.Write(BitConverter.GetBytes((ulong)header.Length));
            stream.Write(header);
            using var noGrad = no_grad();
            foreach (var (_, tensor) in tensors)
            {
                using var cpu = tensor.detach().cpu().contiguous();
                stream.Write(cpu.bytes);
            }
        });
    }

    /// <summary>Every tensor of <paramref name="path"/> as a CPU tensor in its stored dtype, by name.</summary>
    public static Dictionary<string, Tensor> Read(string path)
    {
        var header = SafetensorsHeader.Read(path);
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        using var stream = Data.BoundedFile.OpenRead(path, "safetensors");
        try
        {
            foreach (var entry in header.Entries)
            {
                var tensor = empty(entry.Shape, entry.DType).DetachFromDisposeScope();
                tensors[entry.Name] = tensor;
                CheckpointLoader.ReadInto(stream, header, entry, tensor);
            }
            return tensors;
        }
        catch
        {
            foreach (var tensor in tensors.Values) tensor.Dispose();
            throw;
        }
    }
}
