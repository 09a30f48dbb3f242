using System.Text.Json;
using Forge.Core.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Forge.Core.Checkpoints;

/// <summary>
/// Loads a Hugging Face checkpoint folder (config.json + model.safetensors or a sharded index) into a
/// <see cref="DecoderModel"/>, one tensor at a time straight into its parameter: peak memory is the model plus the
/// largest single tensor, never two copies of the model.
/// </summary>
public static class CheckpointLoader
{
    /// <summary>Loads <paramref name="directory"/> onto <paramref name="device"/> as <paramref name="dtype"/>.</summary>
    public static DecoderModel Load(string directory, Device device, ScalarType dtype)
    {
        if (!Directory.Exists(directory)) throw new ForgeDataException($"{directory}: model folder not found");
        var config = ModelConfig.Load(Path.Combine(directory, "config.json"));
        var files = WeightFiles(directory);
        var model = new DecoderModel(config, device, dtype, initialize: false);
        try
        {
            Fill(model, files);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The safetensors files of a folder: the shards named by the index, else model.safetensors.</summary>
    public static IReadOnlyList<string> WeightFiles(string directory)
    {
        string index = Path.Combine(directory, "model.safetensors.index.json");
        if (!Path.Exists(index))
        {
            string single = Path.Combine(directory, "model.safetensors");
            if (!File.Exists(single)) throw new ForgeDataException($"{directory}: no model.safetensors or model.safetensors.index.json");
            return [single];
        }
        try
        {
            using var document = JsonDocument.Parse(Data.BoundedFile.ReadAllText(index, Data.BoundedFile.SmallJsonBytes, "safetensors index"));
            if (!document.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
                throw new ForgeDataException($"{index}: missing \"weight_map\"");
            var shards = map.EnumerateObject().Select(p => p.Value.GetString() ?? "").Distinct().ToList();
            foreach (string shard in shards)
                if (shard.Length == 0 || shard.Contains('/') || shard.Contains('\\') || shard.Contains(".."))
                    throw new ForgeDataException($"{index}: invalid shard file name \"{shard}\"");
            return shards.Select(s => Path.Combine(directory, s)).ToList();
        }
        catch (JsonException ex)
        {
            throw new ForgeDataException($"{index}: invalid JSON ({Data.JsonErrors.Describe(ex)})");
        }
    }

    private static void Fill(DecoderModel model, IReadOnlyList<string> files)
    {
        var slots = WeightMap.Slots(model).ToDictionary(s => s.Name);
        var filled = new HashSet<string>();
        using var noGrad = no_grad();
        foreach (string file in files)
        {
            var header = SafetensorsHeader.Read(file);
            using var stream = Data.BoundedFile.OpenRead(file, "safetensors");
            foreach (var entry in header.Entries)
            {
                if (!slots.TryGetValue(entry.Name, out var slot))
                {
                    // A tied model may still carry a copy of the embedding as lm_head; old Llama checkpoints carry
                    // the rotary tables, which Forge computes.
                    if (entry.Name == "lm_head.weight" && model.Config.TieWordEmbeddings) continue;
                    if (entry.Name.EndsWith(".rotary_emb.inv_freq", StringComparison.Ordinal)) continue;
                    throw new ForgeDataException($"{file}: unexpected tensor \"{entry.Name}\" for a {model.Config.ModelType} model of this config");
                }
                if (!entry.Shape.SequenceEqual(slot.Shape))
                    throw new ForgeDataException($"{file}: tensor \"{entry.Name}\" has shape [{string.Join(", ", entry.Shape)}], the config needs [{string.Join(", ", slot.Shape)}]");
                if (!filled.Add(entry.Name)) throw new ForgeDataException($"{file}: tensor \"{entry.Name}\" appears in more than one file");
                ReadInto(stream, header, entry, slot.Target);
            }
        }
        var missing = slots.Keys.Where(k => !filled.Contains(k)).ToList();
        if (missing.Count > 0)
            throw new ForgeDataException($"{Path.GetDirectoryName(files[0])}: checkpoint lacks {missing.Count} tensor(s), first \"{missing[0]}\"");
    }

    /// <summary>
    /// Reads one tensor's bytes into <paramref name="destination"/> (any device and dtype, same shape): straight into
    /// its memory when it is a contiguous CPU tensor of the stored dtype, else through one CPU staging tensor.
    /// </summary>
    public static void ReadInto(FileStream stream, SafetensorsHeader header, SafetensorsEntry entry, Tensor destination)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(destination);
        stream.Seek(header.DataStart + entry.Begin, SeekOrigin.Begin);
        if (destination.device_type == DeviceType.CPU && destination.dtype == entry.DType && destination.is_contiguous())
        {
            ReadExactly(stream, destination, header.Path, entry.Name);
            return;
        }
        using var staging = empty(entry.Shape, entry.DType);
        ReadExactly(stream, staging, header.Path, entry.Name);
        destination.copy_(staging);
    }

    /// <summary>Reads a tensor's whole storage from the stream, in slices below the 2 GiB limit of a span.</summary>
    private static void ReadExactly(FileStream stream, Tensor target, string path, string name)
    {
        const long sliceBytes = 1L << 30;
        using var flat = target.view(-1);
        long elements = flat.NumberOfElements, perSlice = Math.Max(1, sliceBytes / flat.ElementSize);
        try
        {
            for (long start = 0; start < elements; start += perSlice)
            {
                using var slice = flat.narrow(0, start, Math.Min(perSlice, elements - start));
                stream.ReadExactly(slice.bytes);
            }
        }
        catch (EndOfStreamException)
        {
            throw new ForgeDataException($"{path}: tensor \"{name}\": file ends inside its data");
        }
    }
}
