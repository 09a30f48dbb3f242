using System.Text.Json;
using Forge.Core.Models;
using static TorchSharp.torch;

namespace Forge.Core.Checkpoints;

/// <summary>
/// Writes a <see cref="DecoderModel"/> as a Hugging Face folder: config.json plus model.safetensors, or shards and a
/// model.safetensors.index.json above <see cref="DefaultShardBytes"/>. Every file is written to a temporary name and
/// renamed, so an interrupted save never leaves a half-written checkpoint under the real name.
/// </summary>
public static class CheckpointWriter
{
    /// <summary>Shard size above which weights are split across files (Hugging Face's default is 5 GB).</summary>
    public const long DefaultShardBytes = 5L << 30;

    /// <summary>Saves <paramref name="model"/> into <paramref name="directory"/>.</summary>
    public static void Save(DecoderModel model, string directory, long maxShardBytes = DefaultShardBytes)
    {
        Directory.CreateDirectory(directory);
        var slots = WeightMap.Slots(model).ToList();
        var shards = new List<List<WeightSlot>> { new() };
        long current = 0;
        foreach (var slot in slots)
        {
            long size = slot.Target.NumberOfElements * slot.Target.ElementSize;
            if (current > 0 && current + size > maxShardBytes)
            {
                shards.Add([]);
                current = 0;
            }
            shards[^1].Add(slot);
            current += size;
        }

        var weightMap = new SortedDictionary<string, string>(StringComparer.Ordinal);
        long total = 0;
        for (int s = 0; s < shards.Count; s++)
        {
            string name = shards.Count == 1 ? "model.safetensors" : $"model-{s + 1:00000}-of-{shards.Count:00000}.safetensors";
            total += WriteShard(Path.Combine(directory, name), shards[s], model.DType);
            foreach (var slot in shards[s]) weightMap[slot.Name] = name;
        }
        if (shards.Count > 1)
            WriteAtomically(Path.Combine(directory, "model.safetensors.index.json"), stream =>
                JsonSerializer.Serialize(stream, new { metadata = new { total_size = total }, weight_map = weightMap }, new JsonSerializerOptions { WriteIndented = true }));
        else File.Delete(Path.Combine(directory, "model.safetensors.index.json"));
        WriteAtomically(Path.Combine(directory, "config.json"), stream =>
        {
            using var writer = new StreamWriter(stream, leaveOpen: true);
            writer.Write(model.Config.ToJson(model.DType));
            writer.Flush();
        });
    }

    private static long WriteShard(string path, List<WeightSlot> slots, ScalarType dtype)
    {
        var entries = new List<SafetensorsEntry>();
        long offset = 0;
        int size = SafetensorsDType.Size(dtype);
        foreach (var slot in slots)
        {
            long bytes = slot.Target.NumberOfElements * size;
            entries.Add(new SafetensorsEntry(slot.Name, dtype, size, slot.Shape, offset, offset + bytes));
            offset += bytes;
        }
        WriteAtomically(path, stream =>
        {
            byte[] header = SafetensorsHeader.Encode(entries);
            stream.Write(BitConverter.GetBytes((ulong)header.Length));
            stream.Write(header);
            using var noGrad = no_grad();
            foreach (var slot in slots)
            {
                using var cpu = slot.Target.detach().to(dtype).cpu().contiguous();
                stream.Write(cpu.bytes);
            }
        });
        return offset;
    }

    /// <summary>Writes through a temporary file, flushes it to disk, then renames it over <paramref name="path"/>.</summary>
    public static void WriteAtomically(string path, Action<Stream> write)
    {
        string temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            write(stream);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }
}
